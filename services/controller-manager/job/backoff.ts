import type { Pod } from '../../../lib/api/generated/index.js';
import { parseTime } from '../../../lib/client/api-time.js';

// The delay before a Job replaces failed pods, as Kubernetes computes it: base × 2^(n-1) for the
// n failures since the last success, capped at six minutes, counted from the last failure. Read
// from the pods themselves, so a restarted controller waits exactly as long.

export const DEFAULT_BACKOFF_BASE_MS = 10_000;
export const MAX_BACKOFF_MS = 6 * 60_000;

function time(value: string | undefined): number | undefined {
  const t = parseTime(value);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * When a finished pod finished: its containers' latest finish, else when it stopped being ready,
 * else its creation (Kubernetes' getFinishedTime, without the deletion case: deleted pods do not count).
 */
export function podFinishedAt(pod: Pod): number {
  const finishes = (pod.status?.containerStatuses ?? []).map((c) => time(c.state?.terminated?.finishedAt)).filter((t): t is number => t !== undefined);
  if (finishes.length > 0) return Math.max(...finishes);
  const notReady = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'False');
  return time(notReady?.lastTransitionTime) ?? time(pod.metadata?.creationTimestamp) ?? 0;
}

/** Milliseconds to wait before creating pods again, 0 when no failure since the last success holds us back. */
export function remainingBackoffMs(pods: readonly Pod[], now: number, baseMs: number, maxMs = MAX_BACKOFF_MS): number {
  const lastSuccess = Math.max(0, ...pods.filter((p) => p.status?.phase === 'Succeeded').map(podFinishedAt));
  const failures = pods
    .filter((p) => p.status?.phase === 'Failed')
    .map(podFinishedAt)
    .filter((t) => t > lastSuccess);
  if (failures.length === 0) return 0;
  const delay = Math.min(baseMs * 2 ** Math.min(failures.length - 1, 30), maxMs);
  return Math.max(0, Math.max(...failures) + delay - now);
}
