import { Command } from 'commander';
import type { Deployment } from '../../lib/api/generated/index.js';
import type { ApiClient } from '../../lib/client/client.js';
import { templatesEqual } from '../../lib/deployment/pod-template.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { DescribeWriter } from '../printers/describe/writer.js';
import { writePodTemplate } from '../printers/describe/pod-template.js';
import { boolFlag, duration, integer } from '../../lib/flags.js';
import { reportErrors } from '../report.js';
import { objectRef, qualifiedResource } from '../resource-args.js';
import { deploymentRolloutState } from '../rollout/deployment-status.js';
import { rollbackPatch } from '../../lib/deployment/rollback.js';
import { deploymentReplicaSets, formatHistory, replicaSetForRevision, revisionOf } from '../rollout/history.js';
import { resolveTargets, type Target } from '../targets.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

type Action = (ctx: CliContext, client: ApiClient, target: Target) => Promise<void>;

// `kubectl rollout status` waits without a limit by default; ours is bounded but generous.
const DEFAULT_STATUS_TIMEOUT_MS = 24 * 60 * 60_000;

function requireDeployment(target: Target, what: string): void {
  if (target.info.field !== 'deployment') throw new CliError(`no ${what} has been implemented for ${target.info.kind}`);
}

async function runOnTargets(ctx: CliContext, args: string[], filename: string[], action: Action): Promise<number> {
  const { targets, errors } = await resolveTargets(ctx, args, { verb: 'rollout', filename });
  const client = targets.length > 0 ? await ctx.client() : undefined;
  for (const target of targets) {
    try {
      await action(ctx, client!, target);
    } catch (err) {
      errors.push(err);
    }
  }
  return reportErrors(ctx, errors);
}

/** Prints the rollout's state whenever it changes, until it is done (or at once with watch=false). */
async function waitForRollout(ctx: CliContext, client: ApiClient, target: Target, watch: boolean, timeoutMs: number): Promise<void> {
  requireDeployment(target, 'status viewer');
  const deployments = client.resource('deployment');
  const deadline = Date.now() + timeoutMs;
  let last = '';
  const show = (d: Deployment): boolean => {
    const state = deploymentRolloutState(d);
    if (state.message !== last) ctx.out(`${state.message}\n`);
    last = state.message;
    return state.done || !watch;
  };
  while (Date.now() < deadline) {
    const current = await deployments.get(target.namespace, target.name);
    if (show(current)) return;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), Math.max(0, deadline - Date.now()));
    try {
      for await (const event of deployments.watch(target.namespace, {
        fieldSelector: `metadata.name=${target.name}`,
        resourceVersion: current.metadata?.resourceVersion ?? '',
        signal: abort.signal,
      })) {
        if (event.type === 'DELETED') throw new CliError(`object has been deleted`);
        if (event.type !== 'BOOKMARK' && show(event.object)) return;
      }
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
  }
  throw new CliError('timed out waiting for the condition');
}

async function showHistory(ctx: CliContext, client: ApiClient, target: Target, revision: number): Promise<void> {
  requireDeployment(target, 'history viewer');
  const deployment = await client.resource('deployment').get(target.namespace, target.name);
  const replicaSets = await deploymentReplicaSets(client, deployment);
  const ref = objectRef(target.info, target.name);
  if (revision > 0) {
    const rs = replicaSets.find((r) => revisionOf(r) === revision);
    if (!rs) throw new CliError('unable to find the specified revision');
    const w = new DescribeWriter();
    writePodTemplate(w, rs.spec?.template);
    ctx.out(`${ref} with revision #${revision}\n${w.toString()}\n`);
    return;
  }
  ctx.out(`${ref} \n${formatHistory(replicaSets)}\n`);
}

async function undo(ctx: CliContext, client: ApiClient, target: Target, toRevision: number): Promise<void> {
  requireDeployment(target, 'rollbacker');
  const deployments = client.resource('deployment');
  const deployment = await deployments.get(target.namespace, target.name);
  if (deployment.spec?.paused) {
    throw new CliError(`you cannot rollback a paused deployment; resume it first with 'kubets rollout resume deployment/${target.name}' and try again`);
  }
  const rs = replicaSetForRevision(target.name, await deploymentReplicaSets(client, deployment), toRevision);
  const ref = objectRef(target.info, target.name);
  if (templatesEqual(rs.spec?.template, deployment.spec?.template)) {
    ctx.out(`${ref} skipped rollback (current template already matches revision ${revisionOf(rs) ?? toRevision})\n`);
    return;
  }
  try {
    await deployments.patch(target.namespace, target.name, rollbackPatch(deployment, rs), { type: 'json' });
  } catch (err) {
    throw new CliError(`failed restoring revision ${revisionOf(rs) ?? toRevision}: ${(err as Error).message}`);
  }
  ctx.out(`${ref} rolled back\n`);
}

async function setPaused(ctx: CliContext, client: ApiClient, target: Target, paused: boolean): Promise<void> {
  requireDeployment(target, paused ? 'pauser' : 'resumer');
  const deployments = client.resource('deployment');
  const deployment = await deployments.get(target.namespace, target.name);
  if (Boolean(deployment.spec?.paused) === paused) {
    throw new CliError(`${qualifiedResource(target.info)} "${target.name}" is ${paused ? 'already paused' : 'not paused'}`);
  }
  await deployments.patch(target.namespace, target.name, { spec: { paused } });
  ctx.out(`${objectRef(target.info, target.name)} ${paused ? 'paused' : 'resumed'}\n`);
}

interface RolloutFlags {
  filename: string[];
  watch: boolean;
  timeout?: number;
  revision: number;
  toRevision: number;
}

const resourceArgs = (cmd: Command): Command =>
  cmd
    .argument('[resources...]', 'deployment/NAME or deployment NAME')
    .option('-f, --filename <file>', 'file naming the resources', (v: string, p: string[]) => [...p, v], [] as string[]);

export function rolloutCommand(deps: VerbDeps = defaultDeps): Command {
  const rollout = new Command('rollout').description('Manage the rollout of deployments');
  rollout.addCommand(
    resourceArgs(new Command('status').description('Show the status of the rollout, waiting until it is done'))
      .addOption(boolFlag('-w, --watch', 'keep watching until the rollout is done (--watch=false to print once)', true))
      .option('--timeout <duration>', 'how long to wait before giving up (e.g. 5m); 0 means no limit', duration)
      .action(
        verbAction(deps, (ctx, args, cmd) => {
          const flags = cmd.opts<RolloutFlags>();
          const timeout = flags.timeout && flags.timeout > 0 ? flags.timeout : DEFAULT_STATUS_TIMEOUT_MS;
          return runOnTargets(ctx, args[0] as string[], flags.filename, (c, client, t) => waitForRollout(c, client, t, flags.watch, timeout));
        }),
      ),
  );
  rollout.addCommand(
    resourceArgs(new Command('history').description('View the rollout history'))
      .option('--revision <n>', 'show the pod template of this revision', integer, 0)
      .action(
        verbAction(deps, (ctx, args, cmd) => {
          const flags = cmd.opts<RolloutFlags>();
          return runOnTargets(ctx, args[0] as string[], flags.filename, (c, client, t) => showHistory(c, client, t, flags.revision));
        }),
      ),
  );
  rollout.addCommand(
    resourceArgs(new Command('undo').description('Roll back to a previous revision'))
      .option('--to-revision <n>', 'the revision to roll back to; 0 means the previous one', integer, 0)
      .action(
        verbAction(deps, (ctx, args, cmd) => {
          const flags = cmd.opts<RolloutFlags>();
          return runOnTargets(ctx, args[0] as string[], flags.filename, (c, client, t) => undo(c, client, t, flags.toRevision));
        }),
      ),
  );
  for (const paused of [true, false]) {
    rollout.addCommand(
      resourceArgs(new Command(paused ? 'pause' : 'resume').description(paused ? 'Mark the resource as paused' : 'Resume a paused resource')).action(
        verbAction(deps, (ctx, args, cmd) =>
          runOnTargets(ctx, args[0] as string[], cmd.opts<RolloutFlags>().filename, (c, client, t) => setPaused(c, client, t, paused)),
        ),
      ),
    );
  }
  return rollout;
}
