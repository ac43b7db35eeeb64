import { Command } from 'commander';
import type { Node, Pod } from '../../lib/api/generated/index.js';
import { isApiError } from '../../lib/api/errors.js';
import { resourceByField } from '../../lib/api/resources.js';
import type { ApiClient } from '../../lib/client/client.js';
import { duration, integer } from '../../lib/flags.js';
import type { CliContext } from '../context.js';
import { dryRunSuffix, parseDryRun } from '../dry-run.js';
import { CliError } from '../errors.js';
import { mutateObject } from '../mutate.js';
import { reportErrors } from '../report.js';
import { waitForDeletion } from '../wait.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

// kubectl's node maintenance verbs: cordon and uncordon flip spec.unschedulable; drain cordons,
// then evicts the node's pods (pods/eviction, each with its grace period) and waits for them to
// be gone. An eviction refused for now (429, a disruption budget) is retried as kubectl does.

const NODES = resourceByField('node');
const PODS = resourceByField('pod');
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
/** kubectl drain's --timeout=0: wait as long as it takes; bounded here so a stuck pod cannot hang a script forever. */
const UNBOUNDED_WAIT_MS = 24 * 3_600_000;
/** kubectl's pause before asking again for an eviction the server refused for now. */
const EVICTION_RETRY_MS = 5_000;

interface SelectFlags {
  selector?: string;
  dryRun: string;
}

interface DrainFlags extends SelectFlags {
  force?: boolean;
  ignoreDaemonsets?: boolean;
  deleteEmptydirData?: boolean;
  gracePeriod: number;
  timeout?: number;
  podSelector?: string;
}

async function selectNodes(ctx: CliContext, client: ApiClient, verb: string, names: string[], selector?: string): Promise<string[]> {
  if (names.length > 0 && selector) throw new CliError('cannot specify both a node name and a --selector option');
  if (names.length > 0) return names;
  if (!selector) throw new CliError(`USAGE: ${verb} NODE [flags]\nSee 'kubets ${verb} -h' for help and examples`);
  const { items } = await client.resource('node').listAll('', { labelSelector: selector });
  if (items.length === 0) ctx.err('No resources found\n');
  return items.map((n) => n.metadata?.name ?? '');
}

/** Sets spec.unschedulable; prints kubectl's `node/x cordoned` or `already cordoned`. */
async function setUnschedulable(ctx: CliContext, client: ApiClient, name: string, unschedulable: boolean, dryRun: string): Promise<void> {
  const word = unschedulable ? 'cordoned' : 'uncordoned';
  const suffix = dryRunSuffix(parseDryRun(dryRun));
  const nodes = client.resource('node');
  if (dryRun !== 'none') {
    const node = await nodes.get('', name);
    ctx.out(`node/${name} ${Boolean(node.spec?.unschedulable) === unschedulable ? 'already ' : ''}${word}${suffix}\n`);
    return;
  }
  const { changed } = await mutateObject<Node>(nodes, '', name, (node) => {
    if (Boolean(node.spec?.unschedulable) === unschedulable) return false;
    node.spec = { ...node.spec, unschedulable };
    return true;
  });
  ctx.out(`node/${name} ${changed ? '' : 'already '}${word}\n`);
}

async function runCordon(ctx: CliContext, names: string[], flags: SelectFlags, unschedulable: boolean): Promise<number> {
  const client = await ctx.client();
  const verb = unschedulable ? 'cordon' : 'uncordon';
  const errors: unknown[] = [];
  for (const name of await selectNodes(ctx, client, verb, names, flags.selector)) {
    try {
      await setUnschedulable(ctx, client, name, unschedulable, flags.dryRun);
    } catch (err) {
      errors.push(err);
    }
  }
  return reportErrors(ctx, errors);
}

/** What drain does with each pod of the node, by kubectl's filters in kubectl's order. */
export interface DrainPlan {
  remove: Pod[];
  /** Problems that stop the drain of this node, grouped by message as kubectl prints them. */
  errors: Map<string, string[]>;
  /** Pods removed or skipped with a warning, grouped by message. */
  warnings: Map<string, string[]>;
}

function controllerOf(pod: Pod): { kind?: string } | undefined {
  return pod.metadata?.ownerReferences?.find((o) => o.controller);
}

function add(groups: Map<string, string[]>, message: string, pod: Pod): void {
  const list = groups.get(message) ?? [];
  list.push(`${pod.metadata?.namespace}/${pod.metadata?.name}`);
  groups.set(message, list);
}

export function planDrain(pods: readonly Pod[], flags: Pick<DrainFlags, 'force' | 'ignoreDaemonsets' | 'deleteEmptydirData'>): DrainPlan {
  const plan: DrainPlan = { remove: [], errors: new Map(), warnings: new Map() };
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) continue;
    const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    const controller = controllerOf(pod);
    if (controller?.kind === 'DaemonSet') {
      if (flags.ignoreDaemonsets) add(plan.warnings, 'ignoring DaemonSet-managed Pods', pod);
      else add(plan.errors, 'cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)', pod);
      continue;
    }
    if (!finished && (pod.spec?.volumes ?? []).some((v) => v.emptyDir)) {
      if (!flags.deleteEmptydirData) {
        add(plan.errors, 'cannot delete Pods with local storage (use --delete-emptydir-data to override)', pod);
        continue;
      }
      add(plan.warnings, 'deleting Pods with local storage', pod);
    }
    if (!finished && !controller) {
      if (!flags.force) {
        add(plan.errors, 'cannot delete Pods that declare no controller (use --force to override)', pod);
        continue;
      }
      add(plan.warnings, 'deleting Pods that declare no controller', pod);
    }
    plan.remove.push(pod);
  }
  return plan;
}

function describeGroups(groups: Map<string, string[]>): string {
  return [...groups].map(([message, pods]) => `${message}: ${pods.join(', ')}`).join('; ');
}

/** A time.Duration as Go prints it (`7s`, `2m0s`, `1h0m0s`, `500ms`), as kubectl's timeout messages do. */
function goDuration(ms: number): string {
  if (ms < 1000) return ms === 0 ? '0s' : `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = `${(ms % 60_000) / 1000}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  return minutes > 0 ? `${minutes}m${seconds}` : seconds;
}

/** One node's evictions failed: the errors of the pods that could not be evicted, as kubectl words them. */
class EvictionsFailed extends Error {
  constructor(readonly podErrors: string[]) {
    super(podErrors.length === 1 ? podErrors[0] : `[${podErrors.join(', ')}]`);
    this.name = 'EvictionsFailed';
  }
}

interface DrainDeadline {
  at: number;
  /** The --timeout as kubectl prints it in "global timeout reached". */
  text: string;
}

/**
 * Evicts one pod as kubectl does: announces each attempt, asks again every 5 s while the server
 * refuses for now (429, a disruption budget) until the deadline, then waits for the pod to be
 * gone. Throws kubectl's message for the pod when it cannot.
 */
async function evictAndWait(ctx: CliContext, client: ApiClient, pod: Pod, flags: DrainFlags, deadline: DrainDeadline): Promise<void> {
  const namespace = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  const ref = `pods/"${name}" -n "${namespace}"`;
  for (;;) {
    ctx.out(`evicting pod ${namespace}/${name}\n`);
    if (Date.now() >= deadline.at) throw new Error(`error when evicting ${ref}: global timeout reached: ${deadline.text}`);
    try {
      await client.evict(namespace, name, flags.gracePeriod >= 0 ? { gracePeriodSeconds: flags.gracePeriod } : {});
      break;
    } catch (err) {
      if (isApiError(err, 'NotFound')) return;
      const message = err instanceof Error ? err.message : String(err);
      if (!isApiError(err, 'TooManyRequests')) throw new Error(`error when evicting ${ref}: ${message}`);
      ctx.err(`error when evicting ${ref} (will retry after 5s): ${message}\n`);
      await new Promise((resolve) => setTimeout(resolve, EVICTION_RETRY_MS));
    }
  }
  const uid = pod.metadata?.uid;
  try {
    await waitForDeletion(client, { info: PODS, namespace, name, ...(uid ? { uid } : {}) }, Math.max(0, deadline.at - Date.now()));
  } catch {
    throw new Error(`error when waiting for pod "${name}" in namespace "${namespace}" to terminate: global timeout reached: ${deadline.text}`);
  }
  ctx.out(`pod/${name} evicted\n`);
}

async function listNodePods(client: ApiClient, name: string, flags: DrainFlags): Promise<Pod[]> {
  const { items } = await client.resource('pod').listAll('', {
    fieldSelector: `spec.nodeName=${name}`,
    ...(flags.podSelector ? { labelSelector: flags.podSelector } : {}),
  });
  return items;
}

async function drainNode(ctx: CliContext, client: ApiClient, name: string, flags: DrainFlags): Promise<void> {
  await setUnschedulable(ctx, client, name, true, flags.dryRun);
  const plan = planDrain(await listNodePods(client, name, flags), flags);
  if (plan.errors.size > 0) throw new CliError(`unable to drain node "${name}" due to error: ${describeGroups(plan.errors)}, continuing command...`);
  if (plan.warnings.size > 0) ctx.err(`Warning: ${describeGroups(plan.warnings)}\n`);
  const suffix = dryRunSuffix(parseDryRun(flags.dryRun));
  if (flags.dryRun !== 'none') {
    for (const pod of plan.remove) ctx.out(`evicting pod ${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}${suffix}\n`);
    ctx.out(`node/${name} drained${suffix}\n`);
    return;
  }
  const timeout = flags.timeout && flags.timeout > 0 ? flags.timeout : UNBOUNDED_WAIT_MS;
  const deadline = { at: Date.now() + timeout, text: goDuration(timeout) };
  // Every pod at once, as kubectl does: one held back by its budget does not hold back the others.
  const outcomes = await Promise.all(plan.remove.map((pod) => evictAndWait(ctx, client, pod, flags, deadline).then(() => undefined, (err: unknown) => (err instanceof Error ? err.message : String(err)))));
  const podErrors = outcomes.filter((e): e is string => e !== undefined);
  if (podErrors.length > 0) {
    const failure = new EvictionsFailed(podErrors);
    const pending = planDrain(await listNodePods(client, name, flags), flags).remove;
    if (pending.length > 0) ctx.err(`There are pending pods in node "${name}" when an error occurred: ${failure.message}\n${pending.map((p) => `pod/${p.metadata?.name ?? ''}\n`).join('')}`);
    ctx.err(`error: unable to drain node "${name}" due to error: ${failure.message}, continuing command...\n`);
    throw failure;
  }
  ctx.out(`node/${name} drained\n`);
}

async function runDrain(ctx: CliContext, names: string[], flags: DrainFlags): Promise<number> {
  const client = await ctx.client();
  const pending: string[] = [];
  const errors: unknown[] = [];
  const evictionErrors: string[] = [];
  for (const name of await selectNodes(ctx, client, 'drain', names, flags.selector)) {
    try {
      await drainNode(ctx, client, name, flags);
    } catch (err) {
      if (err instanceof EvictionsFailed) evictionErrors.push(...err.podErrors);
      else errors.push(err);
      pending.push(name);
    }
  }
  const code = reportErrors(ctx, errors);
  if (pending.length > 0) ctx.err(`There are pending nodes to be drained:\n${pending.map((n) => ` ${n}\n`).join('')}`);
  // kubectl ends with the pods' own errors, one a line.
  for (const message of evictionErrors) ctx.err(`${message}\n`);
  return evictionErrors.length > 0 ? 1 : code;
}

function nodeCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .argument('[nodes...]', `the ${NODES.resource} to act on`)
    .option('-l, --selector <selector>', 'label selector choosing the nodes')
    .option('--dry-run <mode>', 'none, server or client: with server or client nothing is changed', 'none');
}

export function cordonCommand(deps: VerbDeps = defaultDeps): Command {
  return nodeCommand('cordon', 'Mark node as unschedulable').action(
    verbAction(deps, (ctx, args, cmd) => runCordon(ctx, args[0] as string[], cmd.opts<SelectFlags>(), true)),
  );
}

export function uncordonCommand(deps: VerbDeps = defaultDeps): Command {
  return nodeCommand('uncordon', 'Mark node as schedulable').action(
    verbAction(deps, (ctx, args, cmd) => runCordon(ctx, args[0] as string[], cmd.opts<SelectFlags>(), false)),
  );
}

export function drainCommand(deps: VerbDeps = defaultDeps): Command {
  return nodeCommand('drain', 'Drain node in preparation for maintenance')
    .option('--force', 'also delete pods that no controller manages')
    .option('--ignore-daemonsets', 'leave DaemonSet-managed pods in place')
    .option('--delete-emptydir-data', 'also delete pods using emptyDir (their local data is lost)')
    .option('--grace-period <seconds>', "seconds each pod has to terminate; -1 uses the pod's own", integer, -1)
    .option('--timeout <duration>', 'how long to wait for the pods to be gone (e.g. 2m); 0 waits as long as it takes', duration)
    .option('--pod-selector <selector>', 'label selector restricting the pods to remove')
    .action(verbAction(deps, (ctx, args, cmd) => runDrain(ctx, args[0] as string[], cmd.opts<DrainFlags>())));
}
