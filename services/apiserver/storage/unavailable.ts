import { GRPCDeadlineExceededError, isRecoverableError } from 'etcd3';
import { ApiError } from '../../../lib/api/errors.js';

// etcd being down or slow is not the apiserver's internal error: clients should see a retryable
// ServiceUnavailable (or Timeout), as kube-apiserver answers when its storage is unreachable.

/** The API error an etcd client failure stands for, or undefined when err is something else. */
export function storageUnavailable(err: unknown): ApiError | undefined {
  if (!(err instanceof Error)) return undefined;
  if (err instanceof GRPCDeadlineExceededError) {
    return new ApiError('Timeout', 'Timeout: the storage request did not complete in time; try again', { retryAfterSeconds: 1 });
  }
  // Cockatiel (etcd3's fault handling) refuses calls while its circuit breaker is open.
  const brokenCircuit = (err as { isBrokenCircuitError?: boolean }).isBrokenCircuitError === true;
  if (isRecoverableError(err) || brokenCircuit) {
    return new ApiError('ServiceUnavailable', `storage is unavailable (${err.message}); try again`, { retryAfterSeconds: 1 });
  }
  return undefined;
}
