import type { Pod, StatefulSet, StatefulSetStatus } from '../../../lib/api/generated/index.js';
import { isPodAvailable, isPodReady } from '../common/pod-util.js';
import { podRevision } from './stateful-pod.js';

/** Kubernetes' isRunningAndReady: the pods OrderedReady waits for. */
export function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

/** A pod the kubelet has seen (it has a phase); Kubernetes counts only those. */
function isCreated(pod: Pod): boolean {
  return Boolean(pod.status?.phase);
}

/**
 * Kubernetes' StatefulSet status: counts of the set's pods, those of the current and the update
 * revision among the ones not being deleted, and the revisions themselves. A finished rolling
 * update makes the update revision current.
 */
export function calculateStatus(set: StatefulSet, pods: readonly Pod[], currentRevision: string, updateRevision: string, now: number): StatefulSetStatus {
  const minReady = set.spec?.minReadySeconds ?? 0;
  const status: StatefulSetStatus = {
    replicas: 0,
    readyReplicas: 0,
    availableReplicas: 0,
    currentReplicas: 0,
    updatedReplicas: 0,
    currentRevision,
    updateRevision,
    observedGeneration: set.metadata?.generation ?? 0,
  };
  for (const pod of pods) {
    if (isCreated(pod)) status.replicas!++;
    if (isRunningAndReady(pod)) {
      status.readyReplicas!++;
      if (isPodAvailable(pod, minReady, now)) status.availableReplicas!++;
    }
    if (isCreated(pod) && !pod.metadata?.deletionTimestamp) {
      if (podRevision(pod) === currentRevision) status.currentReplicas!++;
      if (podRevision(pod) === updateRevision) status.updatedReplicas!++;
    }
  }
  const rolledOut = status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas;
  if (set.spec?.updateStrategy?.type === 'RollingUpdate' && rolledOut) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = updateRevision;
  }
  return status;
}

export function statusNeedsUpdate(set: StatefulSet, status: StatefulSetStatus): boolean {
  const current = set.status ?? {};
  const keys = [
    'replicas',
    'readyReplicas',
    'availableReplicas',
    'currentReplicas',
    'updatedReplicas',
    'currentRevision',
    'updateRevision',
    'observedGeneration',
    'collisionCount',
  ] as const;
  return keys.some((k) => (current[k] ?? 0) !== (status[k] ?? 0));
}
