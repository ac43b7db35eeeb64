import { Command, Option } from 'commander';
import { isApiError } from '../../lib/api/errors.js';
import type { DeleteOptions } from '../../lib/api/generated/index.js';
import type { CliContext } from '../context.js';
import { CliError, SourcedApiError } from '../errors.js';
import { boolFlag, collectWhole, duration, integer } from '../../lib/flags.js';
import { reportErrors } from '../report.js';
import { quotedRef } from '../resource-args.js';
import { resolveTargets, selectionOptions, type SelectionFlags } from '../targets.js';
import { waitForDeletion } from '../wait.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import { dryRunSuffix, parseDryRun } from '../dry-run.js';
import { addKustomizeOption, refuseKustomize, type KustomizeFlags } from '../kustomize.js';

interface DeleteFlags extends SelectionFlags, KustomizeFlags {
  dryRun: string;
  gracePeriod: number;
  now?: boolean;
  force?: boolean;
  wait: boolean;
  timeout?: number;
  ignoreNotFound?: boolean;
  cascade: string;
}

const CASCADE: Record<string, string> = { background: 'Background', foreground: 'Foreground', orphan: 'Orphan', true: 'Background', false: 'Orphan' };

// Without --timeout the wait is bounded anyway; kubectl waits "forever" (a week).
export const DEFAULT_DELETE_WAIT_MS = 60 * 60_000;

/** kubectl's --cascade values as the propagation policy they ask for. */
export function parseCascade(flag: string): string {
  const cascade = CASCADE[flag];
  if (!cascade) throw new CliError(`invalid cascade value (${flag}). Must be "background", "foreground", or "orphan"`);
  return cascade;
}

/** The grace period kubectl would send: --now is 1 s, 0 without --force becomes 1, --force alone is 0. */
export function effectiveGracePeriod(flags: Pick<DeleteFlags, 'gracePeriod' | 'now' | 'force'>): number {
  let grace = flags.gracePeriod;
  if (flags.now) {
    if (grace >= 0) throw new CliError('--now and --grace-period cannot be specified together');
    grace = 1;
  }
  if (grace === 0 && !flags.force) grace = 1;
  if (flags.force && grace < 0) grace = 0;
  return grace;
}

async function runDelete(ctx: CliContext, args: string[], flags: DeleteFlags): Promise<number> {
  refuseKustomize(flags);
  const cascade = parseCascade(flags.cascade);
  const dryRun = parseDryRun(flags.dryRun);
  const grace = effectiveGracePeriod(flags);
  const force = Boolean(flags.force) && grace === 0;
  if (force) {
    ctx.err('Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n');
  }
  const { targets, errors, listed } = await resolveTargets(ctx, args, { ...selectionOptions('delete', flags), allowAllCategory: true });
  if (listed && targets.length === 0) {
    ctx.out('No resources found\n');
    return reportErrors(ctx, errors);
  }
  const client = targets.length > 0 ? await ctx.client() : undefined;
  const options: DeleteOptions = { propagationPolicy: cascade, dryRun: dryRun === 'server' };
  if (grace >= 0) options.gracePeriodSeconds = grace;
  const deleted: { info: (typeof targets)[number]['info']; namespace: string; name: string; uid?: string }[] = [];
  for (const target of targets) {
    try {
      // A client dry run still reads the object, so a missing one is reported as kubectl does.
      const resource = client!.resource(target.info.field);
      const result = dryRun === 'client' ? await resource.get(target.namespace, target.name) : await resource.delete(target.namespace, target.name, options);
      ctx.out(`${quotedRef(target.info, target.name)} ${force ? 'force deleted' : 'deleted'}${dryRunSuffix(dryRun)}\n`);
      if (dryRun !== 'none') continue;
      const uid = result.metadata?.uid;
      deleted.push({ info: target.info, namespace: target.namespace, name: target.name, ...(uid ? { uid } : {}) });
    } catch (err) {
      if (isApiError(err, 'NotFound') && flags.ignoreNotFound) continue;
      errors.push(isApiError(err) && target.source ? new SourcedApiError(err, 'deleting', target.source) : err);
    }
  }
  if (flags.wait && !force) {
    const timeout = flags.timeout && flags.timeout > 0 ? flags.timeout : DEFAULT_DELETE_WAIT_MS;
    for (const target of deleted) {
      try {
        await waitForDeletion(client!, target, timeout);
      } catch (err) {
        errors.push(err);
      }
    }
  }
  return reportErrors(ctx, errors);
}

export function deleteCommand(deps: VerbDeps = defaultDeps): Command {
  const command = new Command('delete')
    .description('Delete resources by file names, stdin, resources and names, or by resources and label selector')
    .argument('[resources...]', 'TYPE NAME..., TYPE/NAME..., or TYPE with -l/--all')
    .option('-f, --filename <file>', 'file, directory or - (stdin) naming the resources to delete; repeatable', collectWhole, [])
    .option('-R, --recursive', 'process directories under the -f directories too')
    .option('-l, --selector <selector>', 'label selector (e.g. -l key1=value1,key2 in (a,b))')
    .option('--field-selector <selector>', 'field selector (e.g. --field-selector status.phase=Failed)')
    .option('--all', 'delete all resources of the given types in the namespace')
    .option('-A, --all-namespaces', 'with a selector or --all: across all namespaces')
    .option('--grace-period <seconds>', 'seconds the resource has to terminate gracefully; -1 uses its default, 0 with --force deletes at once', integer, -1)
    .option('--now', 'signal resources for immediate shutdown (same as --grace-period=1)')
    .option('--force', 'with --grace-period=0: remove at once without waiting for termination')
    .addOption(boolFlag('--wait', 'wait for resources to be gone before returning (--wait=false to not wait)', true))
    .option('--timeout <duration>', 'how long to wait for deletion (e.g. 30s, 5m); 0 means the default', duration)
    .option('--ignore-not-found', 'treat "resource not found" as a successful delete')
    .addOption(new Option('--cascade <policy>', 'background, foreground or orphan').default('background'))
    .option('--dry-run <mode>', 'none, server or client: with server or client nothing is deleted', 'none');
  return addKustomizeOption(command).action(verbAction(deps, (ctx, args, cmd) => runDelete(ctx, args[0] as string[], cmd.opts<DeleteFlags>())));
}
