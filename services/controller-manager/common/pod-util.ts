import type { Condition, Pod } from '../../../lib/api/generated/index.js';
import { parseTime } from '../../../lib/client/api-time.js';

// Kubernetes' podutil helpers the workload controllers share: which pods count, which are ready,
// and which have been ready long enough to be available.

function podReadyCondition(pod: Pod): Condition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/** When the pod last became ready (ms since the epoch), or undefined if it is not ready. */
export function podReadySince(pod: Pod): number | undefined {
  const ready = podReadyCondition(pod);
  if (ready?.status !== 'True') return undefined;
  const at = parseTime(ready.lastTransitionTime);
  return Number.isNaN(at) ? undefined : at;
}

/**
 * Ready for at least minReadySeconds. A ready pod without a transition time counts as available
 * at once, as Kubernetes does when the kubelet left the field empty.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = podReadySince(pod);
  return since === undefined || since + minReadySeconds * 1000 <= now;
}

/** Milliseconds until a ready pod becomes available; undefined if it is not ready or already available. */
export function msUntilAvailable(pod: Pod, minReadySeconds: number, now: number): number | undefined {
  if (minReadySeconds <= 0) return undefined;
  const since = podReadySince(pod);
  if (since === undefined) return undefined;
  const left = since + minReadySeconds * 1000 - now;
  return left > 0 ? left : undefined;
}

export function isPodTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Neither finished nor being deleted: the pods a replica count is made of (Kubernetes' IsPodActive). */
export function isPodActive(pod: Pod): boolean {
  return !isPodTerminal(pod) && !pod.metadata?.deletionTimestamp;
}
