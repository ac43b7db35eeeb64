import type { Condition, Deployment, DeploymentStatus, ReplicaSet } from '../../../lib/api/generated/index.js';
import { formatTime, parseTime } from '../../../lib/client/api-time.js';
import { maxUnavailable } from './fenceposts.js';
import { sumSpecReplicas, sumStatus } from './replica-sets.js';

// A Deployment's status and its Available/Progressing conditions, with Kubernetes' reasons.

const AVAILABLE = 'Available';
export const PROGRESSING = 'Progressing';
const REPLICA_FAILURE = 'ReplicaFailure';

const MINIMUM_REPLICAS_AVAILABLE = 'MinimumReplicasAvailable';
const MINIMUM_REPLICAS_UNAVAILABLE = 'MinimumReplicasUnavailable';
const NEW_RS_AVAILABLE_REASON = 'NewReplicaSetAvailable';
const RS_UPDATED_REASON = 'ReplicaSetUpdated';
export const NEW_RS_REASON = 'NewReplicaSetCreated';
export const FOUND_NEW_RS_REASON = 'FoundNewReplicaSet';
export const FAILED_RS_CREATE_REASON = 'ReplicaSetCreateError';
export const TIMED_OUT_REASON = 'ProgressDeadlineExceeded';
export const PAUSED_REASON = 'DeploymentPaused';
export const RESUMED_REASON = 'DeploymentResumed';

const MAX_INT32 = 2147483647;

export function newCondition(type: string, status: string, reason: string, message: string, now: number): Condition {
  const time = formatTime(now);
  return { type, status, reason, message, lastUpdateTime: time, lastTransitionTime: time };
}

export function getCondition(status: DeploymentStatus | undefined, type: string): Condition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** Kubernetes' SetDeploymentCondition: no change for the same status and reason; the transition time survives a same-status change. */
export function setCondition(status: DeploymentStatus, condition: Condition): void {
  const current = getCondition(status, condition.type ?? '');
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const next = { ...condition };
  if (current && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next];
}

function removeCondition(status: DeploymentStatus, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
}

/** A deadline of MaxInt32 seconds means none (Kubernetes' HasProgressDeadline). */
export function hasProgressDeadline(deployment: Deployment): boolean {
  const s = deployment.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== MAX_INT32;
}

/** Kubernetes' calculateStatus: counts summed over the ReplicaSets, and the Available condition. */
export function calculateStatus(allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, deployment: Deployment, now: number): DeploymentStatus {
  const available = sumStatus(allRSs, 'availableReplicas');
  const total = sumSpecReplicas(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: deployment.metadata?.generation ?? 0,
    replicas: sumStatus(allRSs, 'replicas'),
    updatedReplicas: sumStatus(newRS ? [newRS] : [], 'replicas'),
    readyReplicas: sumStatus(allRSs, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    conditions: (deployment.status?.conditions ?? []).map((c) => ({ ...c })),
  };
  if (deployment.status?.collisionCount !== undefined) status.collisionCount = deployment.status.collisionCount;
  const desired = deployment.spec?.replicas ?? 1;
  if (available >= desired - maxUnavailable(deployment)) {
    setCondition(status, newCondition(AVAILABLE, 'True', MINIMUM_REPLICAS_AVAILABLE, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition(AVAILABLE, 'False', MINIMUM_REPLICAS_UNAVAILABLE, 'Deployment does not have minimum availability.', now));
  }
  return status;
}

/** Every replica updated and available, and the latest spec observed. */
export function deploymentComplete(deployment: Deployment, status: DeploymentStatus): boolean {
  const desired = deployment.spec?.replicas ?? 1;
  return (
    (status.updatedReplicas ?? 0) === desired &&
    (status.replicas ?? 0) === desired &&
    (status.availableReplicas ?? 0) === desired &&
    (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0)
  );
}

/** Something moved since the stored status: more updated, fewer old, more ready or more available replicas. */
function deploymentProgressing(deployment: Deployment, status: DeploymentStatus): boolean {
  const old = deployment.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (
    (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** When the Progressing condition last moved plus the deadline, if a deadline applies and it can still time out. */
export function progressDeadline(deployment: Deployment, status: DeploymentStatus): number | undefined {
  if (!hasProgressDeadline(deployment)) return undefined;
  const cond = getCondition(status, PROGRESSING);
  if (!cond || cond.reason === NEW_RS_AVAILABLE_REASON || cond.reason === TIMED_OUT_REASON) return undefined;
  const from = parseTime(cond.lastUpdateTime);
  if (Number.isNaN(from)) return undefined;
  return from + (deployment.spec?.progressDeadlineSeconds ?? 0) * 1000;
}

export function deploymentTimedOut(deployment: Deployment, status: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(deployment)) return false;
  const cond = getCondition(status, PROGRESSING);
  if (!cond || cond.reason === NEW_RS_AVAILABLE_REASON) return false;
  if (cond.reason === TIMED_OUT_REASON) return true;
  const deadline = progressDeadline(deployment, status);
  return deadline !== undefined && now > deadline;
}

/**
 * Kubernetes' syncRolloutStatus core: the Progressing condition from what changed (complete,
 * progressing, or past its deadline), and ReplicaFailure carried over from the ReplicaSets.
 */
export function rolloutStatus(allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, deployment: Deployment, now: number): DeploymentStatus {
  const status = calculateStatus(allRSs, newRS, deployment, now);
  if (!hasProgressDeadline(deployment)) removeCondition(status, PROGRESSING);
  const current = getCondition(deployment.status, PROGRESSING);
  const complete = status.replicas === status.updatedReplicas && current?.reason === NEW_RS_AVAILABLE_REASON;
  const rsName = newRS?.metadata?.name;
  if (hasProgressDeadline(deployment) && !complete) {
    if (deploymentComplete(deployment, status)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : 'Deployment has successfully progressed.';
      setCondition(status, newCondition(PROGRESSING, 'True', NEW_RS_AVAILABLE_REASON, msg, now));
    } else if (deploymentProgressing(deployment, status)) {
      const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : 'Deployment is progressing.';
      const cond = newCondition(PROGRESSING, 'True', RS_UPDATED_REASON, msg, now);
      if (current?.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
      removeCondition(status, PROGRESSING);
      setCondition(status, cond);
    } else if (deploymentTimedOut(deployment, status, now)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${deployment.metadata?.name ?? ''}" has timed out progressing.`;
      setCondition(status, newCondition(PROGRESSING, 'False', TIMED_OUT_REASON, msg, now));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(status, { ...failure, lastUpdateTime: failure.lastTransitionTime ?? formatTime(now) });
  else removeCondition(status, REPLICA_FAILURE);
  return status;
}

/** The new ReplicaSet's ReplicaFailure, or else the first one among the others. */
function replicaFailure(allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): Condition | undefined {
  const ordered = newRS ? [newRS, ...allRSs.filter((rs) => rs !== newRS)] : allRSs;
  for (const rs of ordered) {
    const cond = rs.status?.conditions?.find((c) => c.type === REPLICA_FAILURE && c.status === 'True');
    if (cond) return { ...cond };
  }
  return undefined;
}

const num = (n: number | undefined): number => n ?? 0;

function normalizeCondition(c: Condition): string {
  return JSON.stringify([c.type ?? '', c.status ?? '', c.reason ?? '', c.message ?? '', c.lastUpdateTime ?? '', c.lastTransitionTime ?? '']);
}

/** Equal as stored: protobuf leaves zeros and empty strings out, so absent and zero are the same. */
export function statusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  const x = a ?? {};
  const y = b ?? {};
  const fields = ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const;
  if (fields.some((f) => num(x[f]) !== num(y[f]))) return false;
  if (x.collisionCount !== y.collisionCount) return false;
  const cx = (x.conditions ?? []).map(normalizeCondition);
  const cy = (y.conditions ?? []).map(normalizeCondition);
  return cx.length === cy.length && cx.every((c, i) => c === cy[i]);
}

