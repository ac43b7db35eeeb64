import { Command } from 'commander';
import { isDeepStrictEqual } from 'node:util';
import type { EnvelopeField, KindTypes } from '../../lib/api/resources.js';
import type { ApiClient } from '../../lib/client/client.js';
import type { ResourceClient } from '../../lib/client/resource-client.js';
import { templatesEqual } from '../../lib/deployment/pod-template.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { DescribeWriter } from '../printers/describe/writer.js';
import { writePodTemplate } from '../printers/describe/pod-template.js';
import { boolFlag, duration, integer } from '../../lib/flags.js';
import { reportErrors } from '../report.js';
import { objectRef, qualifiedResource } from '../resource-args.js';
import { formatRevisionHistory, ownedRevisions, type RevisionOwner } from '../rollout/controller-revisions.js';
import { deploymentRolloutState, type RolloutState } from '../rollout/deployment-status.js';
import { daemonSetRolloutState, statefulSetRolloutState } from '../rollout/set-status.js';
import { rollbackPatch } from '../../lib/deployment/rollback.js';
import { deploymentReplicaSets, formatHistory, itemForRevision, replicaSetForRevision, revisionOf } from '../rollout/history.js';
import { resolveTargets, type Target } from '../targets.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

type Action = (ctx: CliContext, client: ApiClient, target: Target) => Promise<void>;

// `kubectl rollout status` waits without a limit by default; ours is bounded but generous.
const DEFAULT_STATUS_TIMEOUT_MS = 24 * 60 * 60_000;

function requireDeployment(target: Target, what: string): void {
  if (target.info.field !== 'deployment') throw new CliError(`no ${what} has been implemented for ${target.info.kind}`);
}

type RolloutField = 'deployment' | 'daemonSet' | 'statefulSet';
type RolloutObject = KindTypes[RolloutField];

/** The kinds with a rollout: each one's status viewer. */
const STATUS_VIEWERS: { [F in RolloutField]: (obj: KindTypes[F]) => RolloutState } = {
  deployment: deploymentRolloutState,
  daemonSet: daemonSetRolloutState,
  statefulSet: statefulSetRolloutState,
};

function isRolloutField(field: EnvelopeField): field is RolloutField {
  return field in STATUS_VIEWERS;
}

/** Daemon sets and stateful sets keep their history in ControllerRevisions. */
function revisionOwnerField(target: Target): 'daemonSet' | 'statefulSet' | undefined {
  const field = target.info.field;
  return field === 'daemonSet' || field === 'statefulSet' ? field : undefined;
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
  const field = target.info.field;
  if (!isRolloutField(field)) throw new CliError(`no status viewer has been implemented for ${target.info.kind}`);
  const viewer = STATUS_VIEWERS[field] as (obj: RolloutObject) => RolloutState;
  const objects = client.resource(field) as ResourceClient<RolloutObject>;
  const deadline = Date.now() + timeoutMs;
  let last = '';
  const show = (obj: RolloutObject): boolean => {
    const state = viewer(obj);
    if (state.message !== last) ctx.out(`${state.message}\n`);
    last = state.message;
    return state.done || !watch;
  };
  while (Date.now() < deadline) {
    const current = await objects.get(target.namespace, target.name);
    if (show(current)) return;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), Math.max(0, deadline - Date.now()));
    try {
      for await (const event of objects.watch(target.namespace, {
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

async function showRevisionHistory(ctx: CliContext, client: ApiClient, target: Target, field: 'daemonSet' | 'statefulSet', revision: number): Promise<void> {
  const owner: RevisionOwner = await client.resource(field).get(target.namespace, target.name);
  const revisions = await ownedRevisions(client, owner);
  const ref = objectRef(target.info, target.name);
  if (revision > 0) {
    const match = revisions.find((r) => r.revision === revision);
    if (!match) throw new CliError(`unable to find the specified revision`);
    const w = new DescribeWriter();
    writePodTemplate(w, match.data?.spec?.template);
    ctx.out(`${ref} with revision #${revision}\n${w.toString()}\n`);
    return;
  }
  ctx.out(`${ref} \n${formatRevisionHistory(revisions)}\n`);
}

async function showHistory(ctx: CliContext, client: ApiClient, target: Target, revision: number): Promise<void> {
  const field = revisionOwnerField(target);
  if (field) return showRevisionHistory(ctx, client, target, field, revision);
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

/** kubectl's DaemonSetRollbacker and StatefulSetRollbacker: the owner's template becomes the revision's. */
async function undoToRevision(ctx: CliContext, client: ApiClient, target: Target, field: 'daemonSet' | 'statefulSet', toRevision: number): Promise<void> {
  const resource = client.resource(field);
  const owner: RevisionOwner = await resource.get(target.namespace, target.name);
  const kind = target.info.kind.toLowerCase();
  const revision = itemForRevision(`${kind} "${target.name}"`, await ownedRevisions(client, owner), (r) => r.revision, toRevision);
  const ref = objectRef(target.info, target.name);
  const template = revision.data?.spec?.template;
  if (isDeepStrictEqual(template ?? {}, owner.spec?.template ?? {})) {
    ctx.out(`${ref} skipped rollback (current template already matches revision ${revision.revision ?? toRevision})\n`);
    return;
  }
  try {
    await resource.patch(target.namespace, target.name, [{ op: 'add', path: '/spec/template', value: template }], { type: 'json' });
  } catch (err) {
    throw new CliError(`failed restoring revision ${revision.revision ?? toRevision}: ${(err as Error).message}`);
  }
  ctx.out(`${ref} rolled back\n`);
}

async function undo(ctx: CliContext, client: ApiClient, target: Target, toRevision: number): Promise<void> {
  const field = revisionOwnerField(target);
  if (field) return undoToRevision(ctx, client, target, field, toRevision);
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
    .argument('[resources...]', 'deployment/NAME, daemonset/NAME or statefulset/NAME (or TYPE NAME)')
    .option('-f, --filename <file>', 'file naming the resources', (v: string, p: string[]) => [...p, v], [] as string[]);

export function rolloutCommand(deps: VerbDeps = defaultDeps): Command {
  const rollout = new Command('rollout').description('Manage the rollout of deployments, daemon sets and stateful sets');
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
