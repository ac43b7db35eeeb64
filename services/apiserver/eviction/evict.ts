import { randomInt } from 'node:crypto';
import { ApiError, badRequest, isApiError } from '../../../lib/api/errors.js';
import type * as t from '../../../lib/api/generated/index.js';
import { resourceByField } from '../../../lib/api/resources.js';
import { formatTime } from '../../../lib/client/api-time.js';
import { budgetCovers, isPodHealthy, withDisruptionAllowedCondition } from '../../../lib/policy/disruption-budget.js';
import type { Registry } from '../registry/registry.js';
import type { RequestScope } from '../request-scope.js';
import { KeyedSerializer } from '../registry/serializer.js';

// pods/eviction (policy/v1 Eviction) as Kubernetes' eviction subresource decides it: a pod that is
// not running is deleted at once; a running pod covered by a PodDisruptionBudget spends one of the
// budget's allowed disruptions, written to the budget's status (with the pod in disruptedPods)
// under a compare on its resourceVersion before the pod is deleted, so two evictions never both
// spend the last one; with none left the answer is 429 and nothing changes.

const POD = resourceByField('pod');
const PDB = resourceByField('podDisruptionBudget');

/** More recorded evictions than this, not yet seen by the disruption controller, refuse further ones (Kubernetes' MaxDisruptedPodSize). */
const MAX_DISRUPTED_PODS = 2000;
/** Attempts at spending a disruption when other writes to the budget win the compare. */
const BUDGET_WRITE_ATTEMPTS = 20;
/** The longest pause before asking again after a lost compare; pauses double up to it, randomized. */
const MAX_RETRY_PAUSE_MS = 500;

/**
 * This process's budget writes, one at a time per budget (over gRPC and HTTP alike): the evictions
 * of one drain arrive together and would otherwise race for the budget's resourceVersion, most of
 * them losing each round. The compare still guards against other apiservers.
 */
const budgetWrites = new KeyedSerializer();

/** A random pause before another attempt, when another apiserver's eviction won the compare. */
function retryPause(attempt: number): Promise<void> {
  const ceiling = Math.min(MAX_RETRY_PAUSE_MS, 5 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, randomInt(1, ceiling + 1)));
}

export const BUDGET_VIOLATION_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget.";
export const MULTIPLE_BUDGETS_MESSAGE = 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.';

function tooManyRequests(cause: string, retryAfterSeconds: number): ApiError {
  return new ApiError('TooManyRequests', BUDGET_VIOLATION_MESSAGE, { retryAfterSeconds, causes: [{ reason: 'DisruptionBudget', message: cause }] });
}

function forbiddenBudget(name: string, why: string): ApiError {
  return new ApiError('Forbidden', `poddisruptionbudgets.policy "${name}" is forbidden: ${why}`, { name, group: 'policy', kind: 'poddisruptionbudgets' });
}

/** Pods that finished, have not started, or are already going need no budget (Kubernetes' canIgnorePDB). */
function budgetApplies(pod: t.Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && phase !== 'Pending' && !pod.metadata?.deletionTimestamp;
}

/** The budget with one disruption spent on the pod, or the refusal when it has none to spend. */
function spendDisruption(pdb: t.PodDisruptionBudget, podName: string, now: number): t.PodDisruptionBudget {
  const name = pdb.metadata?.name ?? '';
  const status = pdb.status ?? {};
  if ((status.observedGeneration ?? 0) < (pdb.metadata?.generation ?? 0)) {
    throw tooManyRequests(`The disruption budget ${name} is still being processed by the server.`, 10);
  }
  const allowed = status.disruptionsAllowed ?? 0;
  if (allowed < 0) throw forbiddenBudget(name, 'pdb disruptions allowed is negative');
  if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS) {
    throw forbiddenBudget(name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  }
  if (allowed === 0) {
    throw tooManyRequests(`The disruption budget ${name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`, 0);
  }
  const at = formatTime(now);
  let spent: t.PodDisruptionBudgetStatus = { ...status, disruptionsAllowed: allowed - 1, disruptedPods: { ...status.disruptedPods, [podName]: at } };
  if (allowed === 1) spent = withDisruptionAllowedCondition(spent, at);
  return { ...pdb, status: spent };
}

/** The budgets of the pod's namespace whose selectors cover it. */
async function budgetsOf(registry: Registry, pod: t.Pod): Promise<t.PodDisruptionBudget[]> {
  const namespace = pod.metadata?.namespace ?? '';
  const list = await registry.list(PDB, namespace, { filter: (o) => budgetCovers(o as t.PodDisruptionBudget, pod), sizeOf: () => 0 });
  return list.items as t.PodDisruptionBudget[];
}

/**
 * Spends one disruption of the budget, reading it again whenever another write got there first;
 * a dry run only checks. Throws 429 once none is left.
 */
async function spendFromBudget(registry: Registry, first: t.PodDisruptionBudget, podName: string, dryRun: boolean, now: () => number, scope: RequestScope | undefined): Promise<void> {
  let pdb = first;
  const namespace = pdb.metadata?.namespace ?? '';
  const name = pdb.metadata?.name ?? '';
  for (let attempt = 0; attempt < BUDGET_WRITE_ATTEMPTS; attempt++) {
    const spent = spendDisruption(pdb, podName, now());
    if (dryRun) return;
    try {
      await registry.updateStatus(PDB, namespace, spent, { scope });
      return;
    } catch (err) {
      if (!isApiError(err, 'Conflict')) throw err;
    }
    await retryPause(attempt);
    pdb = (await registry.get(PDB, namespace, name)) as t.PodDisruptionBudget;
  }
  throw new ApiError('Conflict', `Operation cannot be fulfilled on poddisruptionbudgets.policy "${name}": too many concurrent evictions, try again`);
}

export interface EvictionDeps {
  registry: Registry;

  /** The pod's delete, as the Delete verb does it (options validated, audited). */
  deletePod(namespace: string, name: string, options: t.DeleteOptions): Promise<unknown>;
  now?: () => number;
  /** The eviction request (its field manager owns the budget's status change). */
  scope?: RequestScope;
}

/** Evicts a pod, honouring the budget that covers it; answers the Success status of a 201. */
export async function evictPod(deps: EvictionDeps, req: t.EvictRequest): Promise<t.Status> {
  const name = req.name ?? '';
  if (!name) throw badRequest('name: Required value');
  const namespace = req.namespace ?? '';
  const options = req.deleteOptions ?? {};
  const pod = (await deps.registry.get(POD, namespace, name)) as t.Pod;
  const evicted = async (opts: t.DeleteOptions): Promise<t.Status> => {
    await deps.deletePod(namespace, name, opts);
    return { status: 'Success', code: 201 };
  };
  if (!budgetApplies(pod)) return evicted(options);
  const budgets = await budgetsOf(deps.registry, pod);
  if (budgets.length > 1) throw new ApiError('InternalError', MULTIPLE_BUDGETS_MESSAGE);
  const pdb = budgets[0];
  if (!pdb) return evicted(options);
  // An unready pod counts for nothing, so deleting it spends nothing, provided it is the pod that
  // was read (a precondition on its resourceVersion): with AlwaysAllow always, otherwise while the
  // budget is met.
  if (!isPodHealthy(pod)) {
    const status = pdb.status ?? {};
    const alwaysAllow = pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow';
    const budgetMet = (status.desiredHealthy ?? 0) > 0 && (status.currentHealthy ?? 0) >= (status.desiredHealthy ?? 0);
    if (alwaysAllow || budgetMet) {
      return evicted({ ...options, preconditions: { ...options.preconditions, resourceVersion: pod.metadata?.resourceVersion } });
    }
  }
  const budgetKey = `${namespace}/${pdb.metadata?.name ?? ''}`;
  await budgetWrites.run(budgetKey, () => spendFromBudget(deps.registry, pdb, name, Boolean(options.dryRun), deps.now ?? Date.now, deps.scope));
  return evicted(options);
}
