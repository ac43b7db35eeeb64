import { GRPCUnavailableError } from 'etcd3';

// How the apiserver's etcd clients (etcd-kv.ts for reads and writes, etcd-watch.ts for watches,
// etcd3 for the rest) spread calls over the etcd members and give up on them.

/**
 * Deadline of one attempt of a call. A request that reaches a member whose leader just died waits
 * there for etcd's own request timeout (5 s + 2 election timeouts: 7 s by default) before it
 * fails; abandoned after this long it is sent to the next member, which by then knows the new
 * leader (an election takes 1-2 s).
 */
export const ATTEMPT_TIMEOUT_MS = 2_000;
/** A page of a list may legitimately take longer on a busy machine; a list is no write waiting. */
export const LIST_ATTEMPT_TIMEOUT_MS = 5_000;
/** Retries after the first attempt: every member of three once, and one more; a write gives up after about 4 × ATTEMPT_TIMEOUT_MS against a hung cluster. */
export const MAX_RETRIES = 3;
/** After this many failed connections in a row a member is not tried again for PAUSE_MS. */
export const FAILURES_BEFORE_PAUSE = 3;
export const PAUSE_MS = 1_000;
/** Backoff before the next attempt: doubling from the first to the most. */
export const BACKOFF_FIRST_MS = 50;
export const BACKOFF_MAX_MS = 500;
/**
 * Backoff before a dropped watch is opened again (on the next member): a watch cache, and every
 * list that waits for it, stays stale until it is back, so the wait stays around a second.
 */
export const WATCH_BACKOFF_FIRST_MS = 100;
export const WATCH_BACKOFF_MAX_MS = 1_000;

/** A wait before the retry-th retry: doubling from firstMs up to maxMs, jittered over its upper half. */
export function backoffMs(retry: number, firstMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, firstMs * 2 ** retry);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * The member itself is out of reach (connection refused or dropped): only that pauses it. An
 * answer from a live member (etcdserver: no leader, leader changed, request timed out) or a
 * deadline says the cluster is between leaders, which every member shares: pausing healthy
 * members for it only delayed the first writes under the new leader.
 */
export function isMemberUnreachable(err: Error): boolean {
  return err instanceof GRPCUnavailableError && !err.message.includes('etcdserver:');
}
