import type { OwnerReference, Pod, PodDisruptionBudget, PodDisruptionBudgetStatus } from '../../../lib/api/generated/index.js';
import { formatTime, parseTime } from '../../../lib/client/api-time.js';
import { DISRUPTED_POD_TIMEOUT_MS, isPodHealthy, withDisruptionAllowedCondition } from '../../../lib/policy/disruption-budget.js';
import { controllerOf } from '../common/controller-ref.js';
import { scaledValue } from '../common/int-or-percent.js';

// The disruption controller's arithmetic for one budget, apart from where its inputs come from:
// how many pods it expects, how many of them must be healthy, how many are, and so how many may
// be disrupted now (Kubernetes' getExpectedPodCount, countHealthyPods and buildDisruptedPodMap).

/** A pod's controller and the replicas it asks for (a ReplicaSet of a Deployment answers for the Deployment). */
export interface ControllerScale {
  uid: string;
  replicas: number;
}

/** Finds the controller a pod's controller reference names; undefined when there is none of a kind budgets know. */
export type ScaleFinder = (ref: OwnerReference, namespace: string) => ControllerScale | undefined;

/** The budget cannot be counted (a pod's controller is missing): the status then allows nothing. */
export class BudgetSyncError extends Error {
  override readonly name = 'BudgetSyncError';
}

export interface BudgetOutcome {
  status: PodDisruptionBudgetStatus;
  /** Pods without a controller, which a percentage or maxUnavailable cannot count. */
  unmanagedPods: string[];
  /** Pods an eviction recorded more than the timeout ago that are still not being deleted. */
  notDeleted: Pod[];
  /** When the earliest remaining disruptedPods entry expires (ms since the epoch), if any. */
  recheckAt?: number;
}

interface Expected {
  expectedPods: number;
  desiredHealthy: number;
  unmanagedPods: string[];
}

/** The sum of the scales of the pods' controllers, each controller once. */
function expectedScale(pods: readonly Pod[], findScale: ScaleFinder): { expected: number; unmanagedPods: string[] } {
  const scales = new Map<string, number>();
  const unmanagedPods: string[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref) {
      unmanagedPods.push(pod.metadata?.name ?? '');
      continue;
    }
    if (ref.uid && scales.has(ref.uid)) continue;
    const found = findScale(ref, pod.metadata?.namespace ?? '');
    if (!found) throw new BudgetSyncError(`found no controllers for pod "${pod.metadata?.name ?? ''}"`);
    scales.set(found.uid, found.replicas);
  }
  let expected = 0;
  for (const replicas of scales.values()) expected += replicas;
  return { expected, unmanagedPods };
}

function expectedPods(pdb: PodDisruptionBudget, pods: readonly Pod[], findScale: ScaleFinder): Expected {
  const { minAvailable, maxUnavailable } = pdb.spec ?? {};
  if (maxUnavailable) {
    const { expected, unmanagedPods } = expectedScale(pods, findScale);
    return { expectedPods: expected, desiredHealthy: Math.max(0, expected - scaledValue(maxUnavailable, expected, true)), unmanagedPods };
  }
  if (minAvailable && minAvailable.strVal) {
    const { expected, unmanagedPods } = expectedScale(pods, findScale);
    return { expectedPods: expected, desiredHealthy: scaledValue(minAvailable, expected, true), unmanagedPods };
  }
  return { expectedPods: pods.length, desiredHealthy: minAvailable?.intVal ?? 0, unmanagedPods: [] };
}

/**
 * The entries of status.disruptedPods still in force: pods that exist, are not yet being deleted
 * and were evicted less than the timeout ago. Older ones are reported as not deleted.
 */
function disruptedPodsInForce(pdb: PodDisruptionBudget, pods: readonly Pod[], now: number): { inForce: Record<string, string>; notDeleted: Pod[]; recheckAt?: number } {
  const recorded = pdb.status?.disruptedPods ?? {};
  const inForce: Record<string, string> = {};
  const notDeleted: Pod[] = [];
  let recheckAt: number | undefined;
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    const at = recorded[name];
    if (pod.metadata?.deletionTimestamp || at === undefined) continue;
    const expires = parseTime(at) + DISRUPTED_POD_TIMEOUT_MS;
    if (!(expires > now)) {
      notDeleted.push(pod);
      continue;
    }
    inForce[name] = at;
    recheckAt = recheckAt === undefined ? expires : Math.min(recheckAt, expires);
  }
  return { inForce, notDeleted, recheckAt };
}

/** Ready pods that are not being deleted and that no eviction in force is about to delete. */
function countHealthy(pods: readonly Pod[], inForce: Record<string, string>): number {
  return pods.filter((pod) => !pod.metadata?.deletionTimestamp && inForce[pod.metadata?.name ?? ''] === undefined && isPodHealthy(pod)).length;
}

/**
 * The budget's status from the pods its selector covers. Throws BudgetSyncError when a pod's
 * controller cannot be found where the budget needs its scale.
 */
export function computeBudgetStatus(pdb: PodDisruptionBudget, pods: readonly Pod[], findScale: ScaleFinder, now: number): BudgetOutcome {
  const expected = expectedPods(pdb, pods, findScale);
  const { inForce, notDeleted, recheckAt } = disruptedPodsInForce(pdb, pods, now);
  const currentHealthy = countHealthy(pods, inForce);
  // A budget that expects no pods allows nothing: its first pods may appear before it is counted again.
  const disruptionsAllowed = expected.expectedPods > 0 ? Math.max(0, currentHealthy - expected.desiredHealthy) : 0;
  const status = withDisruptionAllowedCondition(
    {
      ...pdb.status,
      observedGeneration: pdb.metadata?.generation ?? 0,
      disruptedPods: inForce,
      disruptionsAllowed,
      currentHealthy,
      desiredHealthy: expected.desiredHealthy,
      expectedPods: expected.expectedPods,
    },
    formatTime(now),
  );
  return { status, unmanagedPods: expected.unmanagedPods, notDeleted, recheckAt };
}

/** The status of a budget that could not be counted: nothing allowed, SyncFailed saying why. */
export function failedBudgetStatus(pdb: PodDisruptionBudget, err: Error, now: number): PodDisruptionBudgetStatus {
  return withDisruptionAllowedCondition({ ...pdb.status, observedGeneration: pdb.metadata?.generation ?? 0, disruptionsAllowed: 0 }, formatTime(now), err.message);
}
