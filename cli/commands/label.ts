import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { applyMetadataEdits, parseMetadataEdits, splitResourcesAndEdits, type MetadataKind } from '../metadata-edits.js';
import { mutateObject } from '../mutate.js';
import { reportErrors } from '../report.js';
import { addSelectionOptions, resolveTargets, selectionOptions, type SelectionFlags } from '../targets.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import { addWriteOptions, WriteReport, type WriteFlags } from '../write-output.js';

interface MetadataFlags extends SelectionFlags, WriteFlags {
  overwrite?: boolean;
  resourceVersion?: string;
  list?: boolean;
}

const VERB: Record<MetadataKind, { verb: 'label' | 'annotate'; field: 'labels' | 'annotations'; done: string; undone: string; none: string }> = {
  label: { verb: 'label', field: 'labels', done: 'labeled', undone: 'unlabeled', none: 'not labeled' },
  annotation: { verb: 'annotate', field: 'annotations', done: 'annotated', undone: 'annotated', none: 'not annotated' },
};

/** `kubets label` and `kubets annotate`: `key=value` sets, `key-` removes, existing values need --overwrite. */
async function runMetadataEdit(ctx: CliContext, kind: MetadataKind, args: string[], flags: MetadataFlags): Promise<number> {
  const v = VERB[kind];
  const { resources, edits: specs } = splitResourcesAndEdits(args, v.verb);
  if (specs.length === 0 && !flags.list) throw new CliError(`at least one ${kind} update is required`);
  const edits = parseMetadataEdits(specs, kind);
  const report = new WriteReport(ctx, flags);
  const { targets, errors, listed } = await resolveTargets(ctx, resources, selectionOptions(v.verb, flags));
  if (listed && targets.length === 0) ctx.err('No resources found\n');
  const client = targets.length > 0 ? await ctx.client() : undefined;
  for (const target of targets) {
    try {
      const resource = client!.resource(target.info.field);
      if (flags.list) {
        const object = await resource.get(target.namespace, target.name);
        const values = object.metadata?.[v.field] ?? {};
        ctx.out(`Listing ${v.field} for ${target.info.group ? `${target.info.kind}.${target.info.group}` : target.info.kind}/${target.name}:\n`);
        for (const key of Object.keys(values).sort()) ctx.out(` ${key}=${values[key]}\n`);
        continue;
      }
      let missing: string[] = [];
      const { object, changed } = await mutateObject(
        resource,
        target.namespace,
        target.name,
        (object) => {
          const metadata = (object.metadata ??= {});
          const result = applyMetadataEdits(metadata[v.field] ?? {}, edits, kind, flags.overwrite ?? false);
          missing = result.missing;
          if (result.changed) metadata[v.field] = result.next;
          return result.changed;
        },
        { dryRun: report.dryRun, ...(flags.resourceVersion ? { resourceVersion: flags.resourceVersion } : {}) },
      );
      for (const key of missing) ctx.err(`${kind} "${key}" not found.\n`);
      const onlyRemovals = Object.keys(edits.set).length === 0 && edits.remove.length > 0;
      const message = !changed ? v.none : onlyRemovals && !flags.overwrite ? v.undone : v.done;
      report.written(target.info, object, message);
    } catch (err) {
      errors.push(err);
    }
  }
  return reportErrors(ctx, errors);
}

function metadataCommand(kind: MetadataKind, deps: VerbDeps): Command {
  const v = VERB[kind];
  const cmd = addSelectionOptions(
    new Command(v.verb)
      .description(kind === 'label' ? 'Update the labels on resources' : 'Update the annotations on resources')
      .argument('<args...>', `TYPE NAME... or TYPE/NAME... followed by KEY=VALUE (set) and KEY- (remove)`),
    { selector: true, fieldSelector: true, all: true, allNamespaces: true },
  )
    .option('--overwrite', `allow replacing existing ${v.field}`)
    .option('--resource-version <version>', 'only update if the resource is at this version');
  addWriteOptions(cmd);
  if (kind === 'label') cmd.option('--list', 'list the labels of the resources');
  return cmd.action(verbAction(deps, (ctx, args, command) => runMetadataEdit(ctx, kind, args[0] as string[], command.opts<MetadataFlags>())));
}

export const labelCommand = (deps: VerbDeps = defaultDeps): Command => metadataCommand('label', deps);
export const annotateCommand = (deps: VerbDeps = defaultDeps): Command => metadataCommand('annotation', deps);
