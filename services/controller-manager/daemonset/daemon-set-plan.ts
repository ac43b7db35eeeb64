import type { DaemonSet, Node, Pod } from '../../../lib/api/generated/index.js';
import { parseTime } from '../../../lib/client/api-time.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../common/controller-history.js';
import { scaledValue } from '../common/int-or-percent.js';
import { isPodAvailable, isPodReady } from '../common/pod-util.js';
import { nodeShouldRunDaemonPod, targetNodeName } from './daemon-pod-spec.js';

// What a DaemonSet sync should do, computed from the caches without side effects: Kubernetes'
// manage (a pod on every node that should run one, none elsewhere, no failed or duplicate pods)
// and rollingUpdate (old pods replaced within maxUnavailable or maxSurge).

/** The writes one step needs: pods to create (by node) and pods to delete. */
export interface NodePlan {
  nodesNeedingPods: string[];
  podsToDelete: Pod[];
  /** Failed pods among podsToDelete, reported as events. */
  failedPods: Pod[];
}

/** The DaemonSet's pods by the node they are for (bound or pinned), being deleted or not. */
export function podsByNode(pods: readonly Pod[]): Map<string, Pod[]> {
  const byNode = new Map<string, Pod[]>();
  for (const pod of pods) {
    const node = targetNodeName(pod);
    if (node === undefined) continue;
    const list = byNode.get(node) ?? [];
    list.push(pod);
    byNode.set(node, list);
  }
  return byNode;
}

export function isPodUpdated(pod: Pod, hash: string): boolean {
  return pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;
}

/** Kubernetes' podByCreationTimestampAndPhase: oldest first, a running pod before a pending one of the same age. */
export function oldestFirst(a: Pod, b: Pod): number {
  const age = parseTime(a.metadata?.creationTimestamp) - parseTime(b.metadata?.creationTimestamp);
  if (age !== 0 && !Number.isNaN(age)) return age;
  const running = (p: Pod): number => (p.status?.phase === 'Running' ? 0 : 1);
  return running(a) - running(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/** Kubernetes' AllowsSurge: a rolling update whose maxSurge is not zero (of any number of nodes). */
function allowsSurge(ds: DaemonSet): boolean {
  const strategy = ds.spec?.updateStrategy;
  return strategy?.type === 'RollingUpdate' && scaledValue(strategy.rollingUpdate?.maxSurge, 100, true) !== 0;
}

/**
 * Kubernetes' updatedDesiredNodeCounts: maxUnavailable and maxSurge of the nodes that should run
 * the daemon, rounded up; both zero (which validation refuses) would stall, so one node may then
 * be unavailable.
 */
export function rollingLimits(ds: DaemonSet, desiredNumberScheduled: number): RollingLimits {
  const rolling = ds.spec?.updateStrategy?.rollingUpdate;
  let maxUnavailable = scaledValue(rolling?.maxUnavailable, desiredNumberScheduled, true);
  const maxSurge = scaledValue(rolling?.maxSurge, desiredNumberScheduled, true);
  if (desiredNumberScheduled > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxUnavailable, maxSurge };
}

/** The running pods of one node that must go: all but the oldest, or with surge all but the oldest new and (while it is needed) the oldest old. */
function duplicatesToDelete(running: Pod[], ds: DaemonSet, hash: string): Pod[] {
  if (running.length <= 1) return [];
  const sorted = [...running].sort(oldestFirst);
  if (!allowsSurge(ds)) return sorted.slice(1);
  let oldestNew: Pod | undefined;
  let oldestOld: Pod | undefined;
  const extra: Pod[] = [];
  for (const pod of sorted) {
    if (isPodUpdated(pod, hash) && !oldestNew) oldestNew = pod;
    else if (!isPodUpdated(pod, hash) && !oldestOld) oldestOld = pod;
    else extra.push(pod);
  }
  // Both may run only while the new one is not ready yet and the old one still serves.
  if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodReady(oldestNew))) extra.push(oldestOld);
  return extra;
}

/** Kubernetes' manage: which nodes lack their daemon pod and which pods must go. */
export function managePlan(ds: DaemonSet, nodes: readonly Node[], byNode: ReadonlyMap<string, Pod[]>, hash: string): NodePlan {
  const plan: NodePlan = { nodesNeedingPods: [], podsToDelete: [], failedPods: [] };
  const known = new Set<string>();
  for (const node of nodes) {
    const name = node.metadata?.name ?? '';
    known.add(name);
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    const pods = byNode.get(name) ?? [];
    if (shouldRun && pods.length === 0) {
      plan.nodesNeedingPods.push(name);
    } else if (shouldContinueRunning) {
      const running: Pod[] = [];
      for (const pod of pods) {
        if (pod.metadata?.deletionTimestamp) continue;
        // A failed daemon pod is replaced: delete it now, its successor comes on the next sync.
        if (pod.status?.phase === 'Failed') {
          plan.podsToDelete.push(pod);
          plan.failedPods.push(pod);
        } else {
          running.push(pod);
        }
      }
      plan.podsToDelete.push(...duplicatesToDelete(running, ds, hash));
    } else {
      plan.podsToDelete.push(...pods.filter((p) => !p.metadata?.deletionTimestamp));
    }
  }
  // Pods pinned to a node that is gone are never scheduled, so the pod GC would never see them.
  for (const [name, pods] of byNode) {
    if (!known.has(name)) plan.podsToDelete.push(...pods.filter((p) => !p.spec?.nodeName && !p.metadata?.deletionTimestamp));
  }
  return plan;
}

/** Kubernetes' findUpdatedPodsOnNode: the node's one new and one old pod; undefined when there are several of either. */
function newAndOld(pods: readonly Pod[], hash: string): { newPod?: Pod; oldPod?: Pod } | undefined {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash)) {
      if (newPod) return undefined;
      newPod = pod;
    } else {
      if (oldPod) return undefined;
      oldPod = pod;
    }
  }
  return { newPod, oldPod };
}

export interface RollingLimits {
  maxUnavailable: number;
  maxSurge: number;
}

/**
 * Kubernetes' rollingUpdate: with maxSurge 0, delete old pods (the manage step then creates their
 * successors) while fewer than maxUnavailable nodes lack an available pod; with maxSurge, start
 * new pods next to old ones on up to maxSurge nodes and delete each old pod once its successor is
 * available. Old pods that are not available are replaced at once either way.
 */
export function rollingUpdatePlan(
  ds: DaemonSet,
  nodes: readonly Node[],
  byNode: ReadonlyMap<string, Pod[]>,
  hash: string,
  limits: RollingLimits,
  now: number,
): NodePlan {
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const available = (pod: Pod): boolean => isPodAvailable(pod, minReady, now);
  const plan: NodePlan = { nodesNeedingPods: [], podsToDelete: [], failedPods: [] };
  const nodeNames = nodes.map((n) => n.metadata?.name ?? '').filter((name) => byNode.has(name));
  if (limits.maxSurge === 0) {
    let unavailable = 0;
    const replaceNow: Pod[] = [];
    const candidates: Pod[] = [];
    for (const name of nodeNames) {
      const found = newAndOld(byNode.get(name) ?? [], hash);
      if (!found) continue;
      const { newPod, oldPod } = found;
      if ((!oldPod && !newPod) || (oldPod && newPod)) unavailable++;
      else if (newPod) {
        if (!available(newPod)) unavailable++;
      } else if (oldPod) {
        if (!available(oldPod)) replaceNow.push(oldPod);
        else if (unavailable < limits.maxUnavailable) candidates.push(oldPod);
      }
    }
    const room = Math.min(Math.max(0, limits.maxUnavailable - unavailable), candidates.length);
    plan.podsToDelete.push(...replaceNow, ...candidates.slice(0, room));
    return plan;
  }
  let surging = 0;
  const replaceNow: string[] = [];
  const candidates: string[] = [];
  const nodesByName = new Map(nodes.map((n) => [n.metadata?.name ?? '', n]));
  for (const name of nodeNames) {
    const found = newAndOld(byNode.get(name) ?? [], hash);
    if (!found?.oldPod) continue;
    const { newPod, oldPod } = found;
    if (!newPod) {
      if (!available(oldPod)) {
        // An unavailable old pod on a node the daemon no longer fits is just removed.
        if (!nodeShouldRunDaemonPod(nodesByName.get(name)!, ds).shouldRun) plan.podsToDelete.push(oldPod);
        else replaceNow.push(name);
      } else if (surging < limits.maxSurge) {
        candidates.push(name);
      }
    } else if (!available(newPod)) {
      surging++;
    } else {
      plan.podsToDelete.push(oldPod);
    }
  }
  const room = Math.min(Math.max(0, limits.maxSurge - surging), candidates.length);
  plan.nodesNeedingPods.push(...replaceNow, ...candidates.slice(0, room));
  return plan;
}
