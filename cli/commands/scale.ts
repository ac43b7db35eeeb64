import { Command } from 'commander';
import { isApiError } from '../../lib/api/errors.js';
import type { Scale } from '../../lib/api/generated/index.js';
import type { ApiClient } from '../../lib/client/client.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { integer } from '../../lib/flags.js';
import { reportErrors } from '../report.js';
import { qualifiedResource } from '../resource-args.js';
import { addSelectionOptions, resolveTargets, selectionOptions, type Target } from '../targets.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import type { DryRun } from '../dry-run.js';
import { mutateObject } from '../mutate.js';
import { addWriteOptions, WriteReport, type WriteFlags } from '../write-output.js';
import type { AnyObject } from '../../lib/api/resources.js';

interface ScaleFlags extends WriteFlags {
  replicas?: number;
  currentReplicas: number;
  resourceVersion?: string;
  filename: string[];
  recursive?: boolean;
  selector?: string;
  all?: boolean;
}

/** kubectl's PreconditionError: the object is not in the state the user said it must be in. */
class PreconditionError extends CliError {
  override readonly name = 'PreconditionError';

  constructor(what: string, expected: string, actual: string) {
    super(`Expected ${what} to be ${expected}, was ${actual}`);
  }
}

const MAX_ATTEMPTS = 5;

interface Preconditions {
  currentReplicas?: number;
  resourceVersion?: string;
}

/** --current-replicas and --resource-version, checked against the scale subresource. */
function checkPreconditions(scale: Scale, preconditions: Preconditions): void {
  const current = scale.spec?.replicas ?? 0;
  if (preconditions.currentReplicas !== undefined && preconditions.currentReplicas >= 0 && current !== preconditions.currentReplicas) {
    throw new PreconditionError('replicas', String(preconditions.currentReplicas), String(current));
  }
  const version = scale.metadata?.resourceVersion ?? '';
  if (preconditions.resourceVersion && version !== preconditions.resourceVersion) {
    throw new PreconditionError('resource version', preconditions.resourceVersion, version);
  }
}

/** Sets replicas through the scale subresource, checking --current-replicas and --resource-version first. */
async function scaleTarget(
  client: ApiClient,
  target: Pick<Target, 'info' | 'namespace' | 'name'>,
  replicas: number,
  preconditions: Preconditions = {},
): Promise<Scale> {
  for (let attempt = 1; ; attempt++) {
    const scale = await client.getScale(target.info.field, target.namespace, target.name);
    checkPreconditions(scale, preconditions);
    try {
      return await client.updateScale(target.info.field, target.namespace, { ...scale, spec: { ...scale.spec, replicas } });
    } catch (err) {
      if (!isApiError(err, 'Conflict') || preconditions.resourceVersion || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}

/**
 * A dry run checks the preconditions on the scale subresource, then changes the object's own
 * replicas: only printed (client) or checked by the server without being stored (server).
 */
async function scaleDryRun(client: ApiClient, target: Target, replicas: number, preconditions: Preconditions, dryRun: DryRun): Promise<AnyObject> {
  const scale = await client.getScale(target.info.field, target.namespace, target.name);
  checkPreconditions(scale, preconditions);
  const { object } = await mutateObject(
    client.resource(target.info.field),
    target.namespace,
    target.name,
    (o) => {
      (o as { spec?: { replicas?: number } }).spec = { ...(o as { spec?: object }).spec, replicas };
      return true;
    },
    { dryRun },
  );
  return object;
}

async function runScale(ctx: CliContext, args: string[], flags: ScaleFlags): Promise<number> {
  if (flags.replicas === undefined) throw new CliError('required flag(s) "replicas" not set');
  if (flags.replicas < 0) {
    throw new CliError('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  }
  const report = new WriteReport(ctx, flags);
  const { targets, errors } = await resolveTargets(ctx, args, selectionOptions('scale', flags));
  const client = targets.length > 0 ? await ctx.client() : undefined;
  for (const target of targets) {
    try {
      const preconditions: Preconditions = { currentReplicas: flags.currentReplicas };
      if (flags.resourceVersion) preconditions.resourceVersion = flags.resourceVersion;
      if (!target.info.hasScale) throw new CliError(`cannot scale ${qualifiedResource(target.info)}: only replicationcontrollers, replicasets and deployments can be scaled`);
      if (report.dryRun !== 'none') {
        report.written(target.info, await scaleDryRun(client!, target, flags.replicas, preconditions, report.dryRun), 'scaled');
        continue;
      }
      await scaleTarget(client!, target, flags.replicas, preconditions);
      report.written(target.info, report.printsObjects ? await client!.resource(target.info.field).get(target.namespace, target.name) : { metadata: { name: target.name } }, 'scaled');
    } catch (err) {
      errors.push(err);
    }
  }
  return reportErrors(ctx, errors);
}

export function scaleCommand(deps: VerbDeps = defaultDeps): Command {
  return addSelectionOptions(
    addWriteOptions(new Command('scale'))
      .description('Set a new size for a replication controller, replica set or deployment')
      .argument('[resources...]', 'TYPE NAME... or TYPE/NAME...')
      .option('--replicas <count>', 'the new desired number of replicas (required)', integer)
      .option('--current-replicas <count>', 'precondition: only scale if the current size is this', integer, -1)
      .option('--resource-version <version>', 'precondition: only scale if the resource version matches'),
    { selector: true, all: true },
  ).action(verbAction(deps, (ctx, args, cmd) => runScale(ctx, args[0] as string[], cmd.opts<ScaleFlags>())));
}
