import { Command } from 'commander';
import type { Container, PodSpec } from '../../lib/api/generated/index.js';
import type { AnyObject } from '../../lib/api/resources.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { mutateObject } from '../mutate.js';
import { reportErrors } from '../report.js';
import { objectRef } from '../resource-args.js';
import { addSelectionOptions, resolveTargets, selectionOptions, type SelectionFlags } from '../targets.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

// kubectl set image: new images for named containers (or `*` for all) of pods and of the pod
// templates of controllers; a Deployment then rolls out as for any template change.

/** The pod spec an object runs: a pod's own, or its template's. */
export function podSpecOf(object: AnyObject): PodSpec | undefined {
  const spec = (object as { spec?: PodSpec & { template?: { spec?: PodSpec } } }).spec;
  if (!spec) return undefined;
  return 'template' in spec ? spec.template?.spec : spec;
}

function splitArgs(args: readonly string[]): { resources: string[]; images: Record<string, string> } {
  const resources: string[] = [];
  const images: Record<string, string> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq < 0) {
      if (Object.keys(images).length > 0) throw new CliError(`all resources must be specified before image changes: ${arg}`);
      resources.push(arg);
    } else if (eq === 0 || eq === arg.length - 1) {
      throw new CliError(`invalid image update "${arg}": expected CONTAINER_NAME=IMAGE`);
    } else {
      images[arg.slice(0, eq)] = arg.slice(eq + 1);
    }
  }
  if (Object.keys(images).length === 0) throw new CliError('at least one image update is required');
  return { resources, images };
}

/** Sets the images; returns the container names asked for that the spec does not have. */
export function setImages(spec: PodSpec, images: Record<string, string>): { changed: boolean; missing: string[] } {
  const containers: Container[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  let changed = false;
  const missing: string[] = [];
  for (const [name, image] of Object.entries(images)) {
    const matching = name === '*' ? containers : containers.filter((c) => c.name === name);
    if (matching.length === 0) missing.push(name);
    for (const c of matching) {
      if (c.image !== image) changed = true;
      c.image = image;
    }
  }
  return { changed, missing };
}

async function runSetImage(ctx: CliContext, args: string[], flags: SelectionFlags): Promise<number> {
  const { resources, images } = splitArgs(args);
  const { targets, errors } = await resolveTargets(ctx, resources, selectionOptions('set image', flags));
  const client = targets.length > 0 ? await ctx.client() : undefined;
  for (const target of targets) {
    try {
      let missing: string[] = [];
      const { changed } = await mutateObject(client!.resource(target.info.field), target.namespace, target.name, (object) => {
        const spec = podSpecOf(object);
        if (!spec) throw new CliError(`${objectRef(target.info, target.name)} has no containers whose image could be set`);
        const result = setImages(spec, images);
        missing = result.missing;
        return result.changed && missing.length === 0;
      });
      if (missing.length > 0) throw new CliError(`unable to find container named "${missing[0]}"`);
      if (changed) ctx.out(`${objectRef(target.info, target.name)} image updated\n`);
    } catch (err) {
      errors.push(err);
    }
  }
  return reportErrors(ctx, errors);
}

function setImageCommand(deps: VerbDeps): Command {
  return addSelectionOptions(
    new Command('image').description('Update the image of a pod template').argument('[args...]', 'TYPE NAME CONTAINER_NAME_1=CONTAINER_IMAGE_1 ...'),
    { selector: true, all: true },
  ).action(verbAction(deps, (ctx, args, cmd) => runSetImage(ctx, args[0] as string[], cmd.opts<SelectionFlags>())));
}

export function setCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('set').description('Set specific features on objects').addCommand(setImageCommand(deps));
}
