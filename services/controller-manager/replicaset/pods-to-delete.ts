import type { Pod } from '../../../lib/api/generated/index.js';
import { parseTime } from '../../../lib/client/api-time.js';
import { isPodActive, isPodReady, podReadySince } from '../common/pod-util.js';

/** Kubernetes' pod-deletion-cost annotation: lower cost goes first when scaling down. */
const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

interface Ranked {
  pod: Pod;
  /** How many related pods share its node: doubled-up pods go first, spreading what is left. */
  rank: number;
}

function deletionCost(pod: Pod): number {
  const value = Number(pod.metadata?.annotations?.[POD_DELETION_COST_ANNOTATION]);
  return Number.isInteger(value) ? value : 0;
}

function restarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

function created(pod: Pod): number {
  const t = parseTime(pod.metadata?.creationTimestamp);
  return Number.isNaN(t) ? 0 : t;
}

/**
 * Kubernetes' ActivePodsWithRanks order: negative when `a` should be deleted before `b`. Earlier
 * criteria win: unscheduled, then Pending before Unknown before Running, not ready before ready,
 * lower deletion cost, more pods on the same node, more recently ready, more restarts, newer.
 */
function compareForDeletion(a: Ranked, b: Ranked): number {
  const aNode = a.pod.spec?.nodeName ?? '';
  const bNode = b.pod.spec?.nodeName ?? '';
  if (!aNode !== !bNode) return aNode ? 1 : -1;
  const aPhase = PHASE_ORDER[a.pod.status?.phase ?? ''] ?? 0;
  const bPhase = PHASE_ORDER[b.pod.status?.phase ?? ''] ?? 0;
  if (aPhase !== bPhase) return aPhase - bPhase;
  const aReady = isPodReady(a.pod);
  const bReady = isPodReady(b.pod);
  if (aReady !== bReady) return aReady ? 1 : -1;
  const costDiff = deletionCost(a.pod) - deletionCost(b.pod);
  if (costDiff !== 0) return costDiff;
  if (a.rank !== b.rank) return b.rank - a.rank;
  if (aReady && bReady) {
    const aSince = podReadySince(a.pod) ?? 0;
    const bSince = podReadySince(b.pod) ?? 0;
    if (aSince !== bSince) return bSince - aSince;
  }
  const restartDiff = restarts(b.pod) - restarts(a.pod);
  if (restartDiff !== 0) return restartDiff;
  return created(b.pod) - created(a.pod);
}

/**
 * The `count` pods to delete when scaling down, ranked as Kubernetes does. `related` are the
 * pods of the owner and its siblings (the other ReplicaSets of the same Deployment), whose
 * placement decides which pods are doubled up on a node.
 */
export function podsToDelete(pods: readonly Pod[], related: readonly Pod[], count: number): Pod[] {
  if (count >= pods.length) return [...pods];
  const perNode = new Map<string, number>();
  for (const p of related) {
    const node = p.spec?.nodeName;
    if (node && isPodActive(p)) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: pod.spec?.nodeName ? (perNode.get(pod.spec.nodeName) ?? 0) : 0 }));
  return ranked.sort(compareForDeletion).slice(0, count).map((r) => r.pod);
}
