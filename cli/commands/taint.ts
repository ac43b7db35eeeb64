import { Command } from 'commander';
import type { Node } from '../../lib/api/generated/index.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { mutateObject } from '../mutate.js';
import { reportErrors } from '../report.js';
import { applyTaintEdits, isTaintSpec, parseTaintSpecs } from '../taint-specs.js';
import { resolveTargets, selectionOptions } from '../targets.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import { addWriteOptions, WriteReport, type WriteFlags } from '../write-output.js';

interface TaintFlags extends WriteFlags {
  selector?: string;
  all?: boolean;
  overwrite?: boolean;
}

/** Splits `kubets taint` arguments: resources first, then taint changes (kubectl's order rule). */
function splitArgs(args: readonly string[]): { resources: string[]; specs: string[] } {
  const resources: string[] = [];
  const specs: string[] = [];
  for (const arg of args) {
    if (isTaintSpec(arg)) specs.push(arg);
    else if (specs.length > 0) throw new CliError(`all resources must be specified before taint changes: ${arg}`);
    else resources.push(arg);
  }
  if (specs.length === 0) throw new CliError('at least one taint update is required');
  return { resources, specs };
}

async function runTaint(ctx: CliContext, args: string[], flags: TaintFlags): Promise<number> {
  const { resources, specs } = splitArgs(args);
  const edits = parseTaintSpecs(specs);
  const report = new WriteReport(ctx, flags, { quietDryRun: true });
  const { targets, errors, listed } = await resolveTargets(ctx, resources, selectionOptions('taint', { filename: [], ...flags }));
  if (listed && targets.length === 0) ctx.err('No resources found\n');
  const nonNode = targets.find((t) => t.info.field !== 'node');
  if (nonNode) throw new CliError(`invalid resource type ${nonNode.info.resource}, only node types are supported`);
  const nodes = targets.length > 0 ? (await ctx.client()).resource('node') : undefined;
  for (const target of targets) {
    try {
      let operation = '';
      const { object } = await mutateObject<Node>(
        nodes!,
        '',
        target.name,
        (node) => {
          const result = applyTaintEdits(target.name, node.spec?.taints ?? [], edits, flags.overwrite ?? false, new Date().toISOString());
          operation = result.operation;
          node.spec = { ...node.spec, taints: result.taints };
          return true;
        },
        { dryRun: report.dryRun },
      );
      report.written(target.info, object, operation);
    } catch (err) {
      errors.push(err);
    }
  }
  return reportErrors(ctx, errors);
}

export function taintCommand(deps: VerbDeps = defaultDeps): Command {
  return addWriteOptions(new Command('taint'))
    .description('Update the taints on one or more nodes')
    .argument('[args...]', 'nodes NAME... KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N-')
    .option('-l, --selector <selector>', 'label selector choosing the nodes')
    .option('--all', 'every node in the cluster')
    .option('--overwrite', 'replace a taint already set for the same key and effect')
    .action(verbAction(deps, (ctx, args, cmd) => runTaint(ctx, args[0] as string[], cmd.opts<TaintFlags>())));
}
