import type { Condition, Node, Taint } from '../../../lib/api/generated/index.js';
import { formatTime } from '../../../lib/client/api-time.js';
import { TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE, TAINT_NODE_UNSCHEDULABLE, TAINT_NO_EXECUTE, TAINT_NO_SCHEDULE } from '../../../lib/api/taints.js';

/** The conditions a kubelet reports and the node controller turns Unknown when it goes silent. */
const MONITORED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export function readyCondition(node: Node): Condition | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready');
}

/**
 * Kubernetes' tryUpdateNodeHealth for a node past its grace period: every monitored condition
 * becomes Unknown ("Kubelet stopped posting node status."), or is added as Unknown if the kubelet
 * never posted it. Returns undefined if they all are Unknown already.
 */
export function unknownConditions(node: Node, now: number): Condition[] | undefined {
  const time = formatTime(now);
  const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  let changed = false;
  for (const type of MONITORED_CONDITIONS) {
    const current = conditions.find((c) => c.type === type);
    if (!current) {
      conditions.push({
        type,
        status: 'Unknown',
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
        lastHeartbeatTime: node.metadata?.creationTimestamp ?? time,
        lastTransitionTime: time,
      });
      changed = true;
    } else if (current.status !== 'Unknown') {
      Object.assign(current, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: time });
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}

const MANAGED = new Set([TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE, TAINT_NODE_UNSCHEDULABLE]);

/** The lifecycle taints a node should carry given its Ready condition and spec.unschedulable. */
export function lifecycleTaints(node: Node): Taint[] {
  const out: Taint[] = [];
  const ready = readyCondition(node)?.status;
  const key = ready === 'False' ? TAINT_NODE_NOT_READY : ready === 'Unknown' ? TAINT_NODE_UNREACHABLE : undefined;
  if (key) out.push({ key, effect: TAINT_NO_SCHEDULE }, { key, effect: TAINT_NO_EXECUTE });
  if (node.spec?.unschedulable) out.push({ key: TAINT_NODE_UNSCHEDULABLE, effect: TAINT_NO_SCHEDULE });
  return out;
}

const same = (a: Taint, b: Taint): boolean => a.key === b.key && a.effect === b.effect;

/**
 * The node's taints with the lifecycle ones made to match `wanted`: others' taints are kept as
 * they are, taints already there keep their timeAdded, new NoExecute taints get one (eviction
 * deadlines count from it). Undefined when nothing changes.
 */
export function reconcileTaints(node: Node, wanted: readonly Taint[], now: number): Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const kept = current.filter((t) => !MANAGED.has(t.key ?? '') || wanted.some((w) => same(w, t)));
  const added = wanted.filter((w) => !current.some((t) => same(w, t))).map((t) => (t.effect === TAINT_NO_EXECUTE ? { ...t, timeAdded: formatTime(now) } : { ...t }));
  if (added.length === 0 && kept.length === current.length) return undefined;
  return [...kept.map((t) => ({ ...t })), ...added];
}
