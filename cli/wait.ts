import { setTimeout as sleep } from 'node:timers/promises';
import { isApiError } from '../lib/api/errors.js';
import type { ResourceInfo } from '../lib/api/resources.js';
import type { ApiClient } from '../lib/client/client.js';
import { CliError } from './errors.js';

class WaitTimeoutError extends CliError {
  override readonly name = 'WaitTimeoutError';
}

const FIRST_POLL_MS = 100;
const MAX_POLL_MS = 1_000;

/**
 * Polls `check` until it returns true or the timeout passes, backing off from 100 ms to 1 s
 * between tries. Resolves false on timeout.
 */
export async function pollUntil(check: () => Promise<boolean>, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let delay = FIRST_POLL_MS;
  for (;;) {
    if (await check()) return true;
    const left = deadline - Date.now();
    if (left <= 0 || signal?.aborted) return false;
    await sleep(Math.min(delay, left), undefined, signal ? { signal } : undefined).catch(() => undefined);
    delay = Math.min(delay * 2, MAX_POLL_MS);
  }
}

/** Waits until the object with this uid is gone (not found, or replaced by a new object of the same name). */
export async function waitForDeletion(
  client: ApiClient,
  target: { info: ResourceInfo; namespace: string; name: string; uid?: string },
  timeoutMs: number,
): Promise<void> {
  const gone = await pollUntil(async () => {
    try {
      const current = await client.resource(target.info.field).get(target.namespace, target.name);
      return Boolean(target.uid) && current.metadata?.uid !== target.uid;
    } catch (err) {
      if (isApiError(err, 'NotFound')) return true;
      throw err;
    }
  }, timeoutMs);
  if (!gone) throw new WaitTimeoutError(`timed out waiting for the condition on ${target.info.resource}/${target.name}`);
}
