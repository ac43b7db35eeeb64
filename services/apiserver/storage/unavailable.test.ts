import { GRPCDeadlineExceededError, GRPCUnavailableError } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { storageUnavailable } from './unavailable.js';

class BrokenCircuitLike extends Error {
  readonly isBrokenCircuitError = true;
}

describe('storageUnavailable', () => {
  it('turns etcd client failures into retryable API errors', () => {
    expect(storageUnavailable(new GRPCUnavailableError('14 UNAVAILABLE: No connection established'))).toMatchObject({ reason: 'ServiceUnavailable', details: { retryAfterSeconds: 1 } });
    expect(storageUnavailable(new BrokenCircuitLike('Execution prevented because the circuit breaker is open'))).toMatchObject({ reason: 'ServiceUnavailable' });
    expect(storageUnavailable(new GRPCDeadlineExceededError('4 DEADLINE_EXCEEDED'))).toMatchObject({ reason: 'Timeout' });
  });

  it('leaves other errors alone', () => {
    expect(storageUnavailable(new TypeError('x is undefined'))).toBeUndefined();
    expect(storageUnavailable('text')).toBeUndefined();
  });
});
