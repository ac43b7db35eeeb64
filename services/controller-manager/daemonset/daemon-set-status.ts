import { isDeepStrictEqual } from 'node:util';
import type { DaemonSet, DaemonSetStatus, Node, Pod } from '../../../lib/api/generated/index.js';
import { isPodAvailable, isPodReady, msUntilAvailable } from '../common/pod-util.js';
import { nodeShouldRunDaemonPod } from './daemon-pod-spec.js';
import { isPodUpdated, oldestFirst } from './daemon-set-plan.js';

/**
 * Kubernetes' updateDaemonSetStatus: per node that should run the daemon, whether it has a pod and
 * whether its oldest pod is ready, available and of the current revision; pods on nodes that
 * should not run it are misscheduled.
 */
export function calculateStatus(ds: DaemonSet, nodes: readonly Node[], byNode: ReadonlyMap<string, Pod[]>, hash: string, now: number): DaemonSetStatus {
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const status: DaemonSetStatus = {
    desiredNumberScheduled: 0,
    currentNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
    numberAvailable: 0,
    updatedNumberScheduled: 0,
  };
  for (const node of nodes) {
    const pods = byNode.get(node.metadata?.name ?? '') ?? [];
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) {
      if (pods.length > 0) status.numberMisscheduled!++;
      continue;
    }
    status.desiredNumberScheduled!++;
    const pod = [...pods].sort(oldestFirst)[0];
    if (!pod) continue;
    status.currentNumberScheduled!++;
    if (isPodReady(pod)) {
      status.numberReady!++;
      if (isPodAvailable(pod, minReady, now)) status.numberAvailable!++;
    }
    if (isPodUpdated(pod, hash)) status.updatedNumberScheduled!++;
  }
  status.numberUnavailable = status.desiredNumberScheduled! - status.numberAvailable!;
  return status;
}

/** Whether the computed status (with the generation it reflects) differs from the stored one. */
export function statusNeedsUpdate(ds: DaemonSet, status: DaemonSetStatus): boolean {
  const current = ds.status ?? {};
  const keys = [
    'desiredNumberScheduled',
    'currentNumberScheduled',
    'numberMisscheduled',
    'numberReady',
    'numberAvailable',
    'updatedNumberScheduled',
    'numberUnavailable',
    'observedGeneration',
    'collisionCount',
  ] as const;
  return keys.some((k) => !isDeepStrictEqual(current[k] ?? 0, status[k] ?? 0));
}

/** When the next ready pod turns available, so a minReadySeconds DaemonSet is synced again then. */
export function nextAvailabilityCheckMs(ds: DaemonSet, pods: readonly Pod[], now: number): number | undefined {
  const waits = pods.map((p) => msUntilAvailable(p, ds.spec?.minReadySeconds ?? 0, now)).filter((w): w is number => w !== undefined);
  return waits.length > 0 ? Math.min(...waits) : undefined;
}
