import { ApiError } from '../../lib/api/errors.js';

// How a careful client (kubectl, client-go) creates an object against a control plane that is
// failing over: a create whose answer was lost (connection dropped, apiserver or etcd unavailable,
// timeout) is sent again, and AlreadyExists after such a retry means the earlier attempt was
// stored: the create counts as acknowledged.

const RETRY_REASONS = new Set(['ServiceUnavailable', 'Timeout', 'TooManyRequests']);

export interface Acknowledgement {
  /** Attempts sent, the last one included. */
  attempts: number;
  /** Acknowledged by AlreadyExists after an attempt whose outcome was unknown. */
  byAlreadyExists: boolean;
}

/** Sends create until it is acknowledged; rejects on any other error, or when deadlineMs has passed. */
export async function createAcknowledged(create: () => Promise<unknown>, deadlineMs: number): Promise<Acknowledgement> {
  const until = Date.now() + deadlineMs;
  for (let attempts = 1; ; attempts++) {
    try {
      await create();
      return { attempts, byAlreadyExists: false };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.reason === 'AlreadyExists' && attempts > 1) return { attempts, byAlreadyExists: true };
      if (!RETRY_REASONS.has(err.reason) || Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, Math.min(50 * attempts, 500)));
    }
  }
}
