import { GRPCCancelledError, GRPCDeadlineExceededError, GRPCUnavailableError } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { isMemberUnreachable } from './etcd-failover.js';

describe('isMemberUnreachable (what pauses one etcd member)', () => {
  it('is a connection that could not be made or was lost', () => {
    expect(isMemberUnreachable(new GRPCUnavailableError('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:2379'))).toBe(true);
    expect(isMemberUnreachable(new GRPCUnavailableError('14 UNAVAILABLE: Connection dropped'))).toBe(true);
  });

  it('is not a live member answering that the cluster is between leaders, nor a slow answer', () => {
    for (const msg of ['etcdserver: leader changed', 'etcdserver: no leader', 'etcdserver: request timed out, possibly due to previous leader failure']) {
      expect(isMemberUnreachable(new GRPCUnavailableError(`14 UNAVAILABLE: ${msg}`))).toBe(false);
    }
    expect(isMemberUnreachable(new GRPCDeadlineExceededError('4 DEADLINE_EXCEEDED: Deadline exceeded'))).toBe(false);
    expect(isMemberUnreachable(new GRPCCancelledError('1 CANCELLED: Call cancelled'))).toBe(false);
  });
});
