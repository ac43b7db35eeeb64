import { isDeepStrictEqual } from 'node:util';
import type { Condition, Pod, ReplicaSetStatus } from '../../../lib/api/generated/index.js';
import { formatTime } from '../../../lib/client/api-time.js';
import { selectorFromSet } from '../../../lib/labels/selector.js';
import { isPodAvailable, isPodReady, msUntilAvailable } from '../common/pod-util.js';
import type { ReplicaSetLike } from './replica-kind.js';

const REPLICA_FAILURE = 'ReplicaFailure';

/** Why the last attempt to converge failed, for the ReplicaFailure condition. */
export interface ManageFailure {
  reason: 'FailedCreate' | 'FailedDelete';
  message: string;
}

/**
 * Kubernetes' calculateStatus for ReplicaSets and ReplicationControllers: counts from the pods the
 * owner controls as the cache showed them before this sync acted (never from what it just did),
 * and a ReplicaFailure condition while creates or deletes fail.
 */
export function calculateStatus(rs: ReplicaSetLike, pods: readonly Pod[], failure: ManageFailure | undefined, now: number): ReplicaSetStatus {
  const minReady = rs.spec?.minReadySeconds ?? 0;
  const templateLabels = selectorFromSet(rs.spec?.template?.metadata?.labels ?? {});
  const status: ReplicaSetStatus = {
    replicas: pods.length,
    fullyLabeledReplicas: pods.filter((p) => templateLabels.matches(p.metadata?.labels)).length,
    readyReplicas: pods.filter(isPodReady).length,
    availableReplicas: pods.filter((p) => isPodAvailable(p, minReady, now)).length,
    observedGeneration: rs.status?.observedGeneration ?? 0,
  };
  const others = (rs.status?.conditions ?? []).filter((c) => c.type !== REPLICA_FAILURE);
  const previous = rs.status?.conditions?.find((c) => c.type === REPLICA_FAILURE);
  const conditions: Condition[] = others.map((c) => ({ ...c }));
  if (failure) {
    const unchanged = previous?.reason === failure.reason && previous.message === failure.message;
    conditions.push(
      unchanged ? { ...previous } : { type: REPLICA_FAILURE, status: 'True', reason: failure.reason, message: failure.message, lastTransitionTime: formatTime(now) },
    );
  }
  if (conditions.length > 0) status.conditions = conditions;
  return status;
}

/** Whether the status differs from what is stored, or the spec's generation is not yet observed. */
export function statusNeedsUpdate(rs: ReplicaSetLike, status: ReplicaSetStatus): boolean {
  const current = rs.status ?? {};
  if ((rs.metadata?.generation ?? 0) !== (current.observedGeneration ?? 0)) return true;
  return (
    (current.replicas ?? 0) !== status.replicas ||
    (current.fullyLabeledReplicas ?? 0) !== status.fullyLabeledReplicas ||
    (current.readyReplicas ?? 0) !== status.readyReplicas ||
    (current.availableReplicas ?? 0) !== status.availableReplicas ||
    !isDeepStrictEqual(current.conditions ?? [], status.conditions ?? [])
  );
}

/** When the next ready pod turns available, so a minReadySeconds owner is synced again then. */
export function nextAvailabilityCheckMs(rs: ReplicaSetLike, pods: readonly Pod[], now: number): number | undefined {
  const minReady = rs.spec?.minReadySeconds ?? 0;
  let soonest: number | undefined;
  for (const p of pods) {
    const wait = msUntilAvailable(p, minReady, now);
    if (wait !== undefined && (soonest === undefined || wait < soonest)) soonest = wait;
  }
  return soonest;
}
