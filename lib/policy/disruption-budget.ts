import type { Condition, Pod, PodDisruptionBudget, PodDisruptionBudgetStatus } from '../api/generated/index.js';
import { LabelSelectorError, selectorFromLabelSelector } from '../labels/selector.js';

// What the eviction subresource (in the apiserver) and the disruption controller agree on about a
// PodDisruptionBudget: which pods it covers, which count as healthy, and its DisruptionAllowed
// condition.

/** How long an eviction's entry in status.disruptedPods keeps its pod out of the healthy count (Kubernetes' DeletionTimeout). */
export const DISRUPTED_POD_TIMEOUT_MS = 2 * 60 * 1000;

export const DISRUPTION_ALLOWED = 'DisruptionAllowed';
export const SUFFICIENT_PODS = 'SufficientPods';
export const INSUFFICIENT_PODS = 'InsufficientPods';
export const SYNC_FAILED = 'SyncFailed';

/**
 * Whether the budget covers the pod: same namespace, and its selector matches the pod's labels. A
 * budget without a selector covers nothing, an empty selector every pod (policy/v1); a selector
 * that cannot be read covers nothing.
 */
export function budgetCovers(pdb: PodDisruptionBudget, pod: Pod): boolean {
  if ((pdb.metadata?.namespace ?? '') !== (pod.metadata?.namespace ?? '')) return false;
  try {
    return selectorFromLabelSelector(pdb.spec?.selector).matches(pod.metadata?.labels ?? {});
  } catch (err) {
    if (err instanceof LabelSelectorError) return false;
    throw err;
  }
}

/** Healthy, as budgets count it: the pod's Ready condition is True. */
export function isPodHealthy(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * The status with its DisruptionAllowed condition brought up to date: True (SufficientPods) while
 * disruptions are allowed, False (InsufficientPods) otherwise, or False with SyncFailed and its
 * message when the controller could not count. The transition time moves only when the status does.
 */
export function withDisruptionAllowedCondition(
  status: PodDisruptionBudgetStatus,
  now: string,
  failure?: string,
): PodDisruptionBudgetStatus {
  const allowed = !failure && (status.disruptionsAllowed ?? 0) > 0;
  const reason = failure ? SYNC_FAILED : allowed ? SUFFICIENT_PODS : INSUFFICIENT_PODS;
  const conditions = status.conditions ?? [];
  const old = conditions.find((c) => c.type === DISRUPTION_ALLOWED);
  const value = allowed ? 'True' : 'False';
  const condition: Condition = {
    type: DISRUPTION_ALLOWED,
    status: value,
    reason,
    message: failure ?? '',
    observedGeneration: status.observedGeneration ?? 0,
    lastTransitionTime: old && old.status === value ? old.lastTransitionTime : now,
  };
  return { ...status, conditions: [...conditions.filter((c) => c.type !== DISRUPTION_ALLOWED), condition] };
}
