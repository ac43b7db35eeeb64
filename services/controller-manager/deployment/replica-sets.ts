import type { Deployment, ReplicaSet } from '../../../lib/api/generated/index.js';
import { parseTime } from '../../../lib/client/api-time.js';
import { templatesEqual } from '../../../lib/deployment/pod-template.js';
import { desiredReplicasAnnotation, revisionOf } from './annotations.js';

// Counting and ordering a Deployment's ReplicaSets (Kubernetes' deployment util and controller
// sort orders).

export const specReplicas = (rs: ReplicaSet | undefined): number => rs?.spec?.replicas ?? 0;

export function sumSpecReplicas(replicaSets: readonly (ReplicaSet | undefined)[]): number {
  return replicaSets.reduce((n, rs) => n + specReplicas(rs), 0);
}

export function sumStatus(replicaSets: readonly (ReplicaSet | undefined)[], field: 'replicas' | 'readyReplicas' | 'availableReplicas'): number {
  return replicaSets.reduce((n, rs) => n + (rs?.status?.[field] ?? 0), 0);
}

/**
 * The available pods the ReplicaSets keep: each one's availableReplicas, but no more than its spec.
 * A ReplicaSet reports the pods it saw before deleting some, so right after a scale-down its status
 * still counts as available the pods it is deleting.
 */
export function sumAvailableKept(replicaSets: readonly (ReplicaSet | undefined)[]): number {
  return replicaSets.reduce((n, rs) => n + Math.min(specReplicas(rs), rs?.status?.availableReplicas ?? 0), 0);
}

function created(rs: ReplicaSet): number {
  const t = parseTime(rs.metadata?.creationTimestamp);
  return Number.isNaN(t) ? 0 : t;
}

/** Oldest first; the name breaks ties (Kubernetes' ReplicaSetsByCreationTimestamp). */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  return created(a) - created(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/** Lowest revision first (Kubernetes' ReplicaSetsByRevision). */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  return revisionOf(a) - revisionOf(b) || byCreation(a, b);
}

/** Larger first, then older (scaling down proportionally). */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(b) - specReplicas(a) || byCreation(a, b);
}

/** Larger first, then newer (scaling up proportionally). */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(b) - specReplicas(a) || byCreation(b, a);
}

export const isActive = (rs: ReplicaSet | undefined): rs is ReplicaSet => specReplicas(rs) > 0;

/** The oldest ReplicaSet whose template is the Deployment's (ignoring the hash label); the others are old. */
export function splitNewAndOld(deployment: Deployment, replicaSets: readonly ReplicaSet[]): { newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] } {
  const sorted = [...replicaSets].sort(byCreation);
  const newRS = sorted.find((rs) => templatesEqual(rs.spec?.template, deployment.spec?.template));
  return { newRS, oldRSs: sorted.filter((rs) => rs !== newRS) };
}

/** The single ReplicaSet with replicas (or, with none, the new one or the newest old one); undefined when several have replicas. */
export function activeOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  const all = [...oldRSs, ...(newRS ? [newRS] : [])].sort(byCreation);
  const active = all.filter(isActive);
  if (active.length === 0) return newRS ?? all.at(-1);
  return active.length === 1 ? active[0] : undefined;
}

/** The new ReplicaSet already runs everything the Deployment wants, all available. */
export function isSaturated(deployment: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = deployment.spec?.replicas ?? 1;
  return desiredReplicasAnnotation(rs) === desired && specReplicas(rs) === desired && (rs.status?.availableReplicas ?? 0) === desired;
}
