import type { Deployment, ReplicaSet } from '../../../lib/api/generated/index.js';
import {
  ANNOTATIONS_TO_SKIP,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
} from '../../../lib/deployment/annotations.js';

// The annotations through which a Deployment's history lives on its ReplicaSets (Kubernetes'
// deployment util): each ReplicaSet carries the revision it serves, the revisions it served before
// a rollback brought it back, and the replica counts it was last sized for.

/** Kubernetes keeps revision-history below this many characters, dropping the oldest entries. */
const MAX_REVISION_HISTORY_CHARS = 2000;

type Annotated = Deployment | ReplicaSet;

function parseCount(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/** The revision an object carries; 0 when it has none. */
export function revisionOf(obj: Annotated): number {
  return parseCount(obj.metadata?.annotations?.[REVISION_ANNOTATION]) ?? 0;
}

export function maxRevision(replicaSets: readonly ReplicaSet[]): number {
  return replicaSets.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

export function desiredReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return parseCount(rs.metadata?.annotations?.[DESIRED_REPLICAS_ANNOTATION]);
}

export function maxReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return parseCount(rs.metadata?.annotations?.[MAX_REPLICAS_ANNOTATION]);
}

function annotationsOf(obj: Annotated): Record<string, string> {
  const meta = (obj.metadata ??= {});
  return (meta.annotations ??= {});
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  return desiredReplicasAnnotation(rs) !== desired || maxReplicasAnnotation(rs) !== max;
}

/** Records the replica counts a ReplicaSet was sized for (mutates rs, a copy); true if it changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  if (!replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
  const annotations = annotationsOf(rs);
  annotations[DESIRED_REPLICAS_ANNOTATION] = String(desired);
  annotations[MAX_REPLICAS_ANNOTATION] = String(max);
  return true;
}

/**
 * Kubernetes' SetNewReplicaSetAnnotations (mutates rs, a copy): copies the Deployment's own
 * annotations (a change-cause, say), moves the revision forward, and, when a rollback brings an
 * old ReplicaSet back, remembers the revisions it had. A ReplicaSet being created also gets the
 * replica counts it is sized for. True if anything changed.
 */
export function setNewReplicaSetAnnotations(deployment: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean, maxSurge: number): boolean {
  let changed = false;
  const annotations = annotationsOf(rs);
  for (const [key, value] of Object.entries(deployment.metadata?.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(key) || annotations[key] === value) continue;
    annotations[key] = value;
    changed = true;
  }
  const oldRevisionText = annotations[REVISION_ANNOTATION];
  const oldRevision = parseCount(oldRevisionText) ?? 0;
  if (oldRevision < newRevision) {
    annotations[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (oldRevisionText) annotations[REVISION_HISTORY_ANNOTATION] = appendHistory(annotations[REVISION_HISTORY_ANNOTATION] ?? '', oldRevisionText);
  }
  if (!exists) {
    const desired = deployment.spec?.replicas ?? 1;
    if (setReplicasAnnotations(rs, desired, desired + maxSurge)) changed = true;
  }
  return changed;
}

function appendHistory(history: string, revision: string): string {
  const entries = history ? history.split(',') : [];
  entries.push(revision);
  while (entries.length > 1 && entries.join(',').length > MAX_REVISION_HISTORY_CHARS) entries.shift();
  return entries.join(',');
}

/** Sets the Deployment's revision annotation (mutates deployment, a copy); true if it changed. */
export function setDeploymentRevision(deployment: Deployment, revision: string): boolean {
  const annotations = annotationsOf(deployment);
  if (annotations[REVISION_ANNOTATION] === revision) return false;
  annotations[REVISION_ANNOTATION] = revision;
  return true;
}
