import { Command } from 'commander';
import type { Container, PodSpec } from '../../lib/api/generated/index.js';
import type { AnyObject } from '../../lib/api/resources.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { mutateObject } from '../mutate.js';
import { reportErrors } from '../report.js';
import { objectRef } from '../resource-args.js';
import { addSelectionOptions, resolveTargets, selectionOptions, type SelectionFlags, type Target } from '../targets.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import { addWriteOptions, WriteReport, type WriteFlags } from '../write-output.js';
import { setEnvCommand } from './set-env.js';
import { setResourcesCommand, setSelectorCommand } from './set-resources.js';

// kubectl set: changes to pods and to the pod templates of controllers (a Deployment then rolls
// out as for any template change), and to a Service's selector.

export interface SetFlags extends SelectionFlags, WriteFlags {
  resourceVersion?: string;
}

/** The pod spec an object runs: a pod's own, or its template's. */
function podSpecOf(object: AnyObject): PodSpec | undefined {
  const spec = (object as { spec?: PodSpec & { template?: { spec?: PodSpec } } }).spec;
  if (!spec) return undefined;
  return 'template' in spec ? spec.template?.spec : spec;
}

/** The pod spec `set` changes in the target, or kubectl's error for an object without one. */
export function podSpecToSet(object: AnyObject, target: Target): PodSpec {
  const spec = podSpecOf(object);
  if (!spec) throw new CliError(`${objectRef(target.info, target.name)} has no containers that could be changed`);
  return spec;
}

/** Containers (init containers first) whose names match kubectl's -c pattern (`*` and `?` wildcards). */
export function containersMatching(spec: PodSpec, pattern: string): Container[] {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`);
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].filter((c) => regex.test(c.name ?? ''));
}

/** Splits `TYPE NAME... CHANGE...`: the first argument `isChange` accepts starts the changes, and no resource may follow. */
export function splitChanges(args: readonly string[], isChange: (arg: string) => boolean, what: string): { resources: string[]; changes: string[] } {
  const at = args.findIndex(isChange);
  if (at < 0) return { resources: [...args], changes: [] };
  const misplaced = args.slice(at).find((arg) => !isChange(arg));
  if (misplaced !== undefined) throw new CliError(`all resources must be specified before ${what} changes: ${misplaced}`);
  return { resources: args.slice(0, at), changes: args.slice(at) };
}

/**
 * What every `set` subcommand shares: each target is read, changed by `change` (false: nothing to
 * change, and then nothing is written or printed, as with kubectl), written back (or only checked
 * with --dry-run=server, or only printed with --dry-run=client) and reported as `<kind>/<name> <done>`
 * or in the -o format.
 */
export async function runSet(
  ctx: CliContext,
  resources: string[],
  flags: SetFlags,
  verb: string,
  done: string,
  change: (object: AnyObject, target: Target) => boolean,
): Promise<number> {
  const report = new WriteReport(ctx, flags);
  const { targets, errors } = await resolveTargets(ctx, resources, selectionOptions(verb, flags));
  const client = targets.length > 0 ? await ctx.client() : undefined;
  for (const target of targets) {
    try {
      const { object, changed } = await mutateObject(client!.resource(target.info.field), target.namespace, target.name, (o) => change(o, target), {
        dryRun: report.dryRun,
        ...(flags.resourceVersion ? { resourceVersion: flags.resourceVersion } : {}),
      });
      if (changed) report.written(target.info, object, done);
    } catch (err) {
      errors.push(err);
    }
  }
  return reportErrors(ctx, errors);
}

/** A `set` subcommand with the selection and write flags they all take. */
export function setSubcommand(name: string, description: string, args: string, take: { all?: boolean; selector?: boolean }): Command {
  return addWriteOptions(addSelectionOptions(new Command(name).description(description).argument('[args...]', args), take));
}

/** Sets the images; returns the container names asked for that the spec does not have. */
function setImages(spec: PodSpec, images: Record<string, string>): { changed: boolean; missing: string[] } {
  let changed = false;
  const missing: string[] = [];
  for (const [name, image] of Object.entries(images)) {
    const matching = containersMatching(spec, name);
    if (matching.length === 0) missing.push(name);
    for (const c of matching) {
      if (c.image !== image) changed = true;
      c.image = image;
    }
  }
  return { changed, missing };
}

function parseImages(changes: readonly string[]): Record<string, string> {
  const images: Record<string, string> = {};
  for (const arg of changes) {
    const eq = arg.indexOf('=');
    if (eq === 0 || eq === arg.length - 1) throw new CliError(`invalid image update "${arg}": expected CONTAINER_NAME=IMAGE`);
    images[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  if (Object.keys(images).length === 0) throw new CliError('at least one image update is required');
  return images;
}

function setImageCommand(deps: VerbDeps): Command {
  return setSubcommand('image', 'Update the image of a pod template', 'TYPE NAME CONTAINER_NAME_1=CONTAINER_IMAGE_1 ...', { selector: true, all: true }).action(
    verbAction(deps, (ctx, args, cmd) => {
      const { resources, changes } = splitChanges(args[0] as string[], (arg) => arg.includes('='), 'image');
      const images = parseImages(changes);
      return runSet(ctx, resources, cmd.opts<SetFlags>(), 'set image', 'image updated', (object, target) => {
        const { changed, missing } = setImages(podSpecToSet(object, target), images);
        if (missing.length > 0) throw new CliError(`unable to find container named "${missing[0]}"`);
        return changed;
      });
    }),
  );
}

export function setCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('set')
    .description('Set specific features on objects')
    .addCommand(setImageCommand(deps))
    .addCommand(setEnvCommand(deps))
    .addCommand(setResourcesCommand(deps))
    .addCommand(setSelectorCommand(deps));
}
