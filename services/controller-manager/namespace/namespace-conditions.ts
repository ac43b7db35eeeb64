import type { Condition } from '../../../lib/api/generated/index.js';
import { formatTime } from '../../../lib/client/api-time.js';

// The conditions Kubernetes' namespace controller reports on a Terminating namespace, so that
// `describe namespace` says what the deletion is waiting for.

/** What one pass over a terminating namespace found. */
export interface ContentReport {
  /** Objects still there, by resource (`pods`, `replicasets.apps`). */
  remaining: Map<string, number>;
  /** Objects held by finalizers, by finalizer name. */
  finalizers: Map<string, number>;
  /** Deletes that failed, one message each. */
  errors: string[];
}

function describeCounts(counts: Map<string, number>, format: (name: string, n: number) => string): string {
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([name, n]) => format(name, n)).join(', ');
}

function condition(type: string, status: boolean, reason: string, message: string, now: number): Condition {
  return { type, status: status ? 'True' : 'False', reason, message, lastTransitionTime: formatTime(now) };
}

export function deletionConditions(report: ContentReport, now: number): Condition[] {
  const conditions = [
    condition('NamespaceDeletionDiscoveryFailure', false, 'ResourcesDiscovered', 'All resources successfully discovered', now),
    condition('NamespaceDeletionGroupVersionParsingFailure', false, 'ParsedGroupVersions', 'All legacy kube types successfully parsed', now),
    report.errors.length
      ? condition('NamespaceDeletionContentFailure', true, 'ContentDeletionFailed', `Failed to delete all resource types, ${report.errors.length} remaining: ${report.errors.join(', ')}`, now)
      : condition('NamespaceDeletionContentFailure', false, 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization', now),
    report.remaining.size
      ? condition('NamespaceContentRemaining', true, 'SomeResourcesRemain', `Some resources are remaining: ${describeCounts(report.remaining, (r, n) => `${r} has ${n} resource instances`)}`, now)
      : condition('NamespaceContentRemaining', false, 'ContentRemoved', 'All content successfully removed', now),
    report.finalizers.size
      ? condition('NamespaceFinalizersRemaining', true, 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${describeCounts(report.finalizers, (f, n) => `${f} in ${n} resource instances`)}`, now)
      : condition('NamespaceFinalizersRemaining', false, 'ContentHasNoFinalizers', 'All content-preserving finalizers finished', now),
  ];
  return conditions;
}

/** Same conditions apart from their timestamps. */
export function sameConditions(a: readonly Condition[] | undefined, b: readonly Condition[]): boolean {
  const strip = (c: Condition): string => JSON.stringify([c.type ?? '', c.status ?? '', c.reason ?? '', c.message ?? '']);
  const x = (a ?? []).map(strip).sort();
  const y = b.map(strip).sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** The new conditions, keeping the transition time of those whose status did not change. */
export function mergeConditions(previous: readonly Condition[] | undefined, next: readonly Condition[]): Condition[] {
  return next.map((c) => {
    const before = previous?.find((p) => p.type === c.type);
    return before && before.status === c.status ? { ...c, lastTransitionTime: before.lastTransitionTime } : c;
  });
}
