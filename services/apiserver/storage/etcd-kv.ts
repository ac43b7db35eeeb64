import * as grpc from '@grpc/grpc-js';
import { isRecoverableError } from 'etcd3';
import { ATTEMPT_TIMEOUT_MS, BACKOFF_FIRST_MS, BACKOFF_MAX_MS, backoffMs, LIST_ATTEMPT_TIMEOUT_MS, MAX_RETRIES } from './etcd-failover.js';
import { decodeRangeResponse, decodeTxnResponse, encodeRange, encodeTxn, type KvRange, type KvRangeResult, type KvTxn, type KvTxnResult } from './etcd-kv-codec.js';
import { allMembersPaused, EtcdMembers, NO_METADATA, statusError, type EtcdMembersOptions } from './etcd-members.js';

// The etcd client of EtcdStore's reads and writes (Range and Txn), the calls every request makes;
// leases and compaction stay with the etcd3 client. Each call is one grpc-js call on
// the member's channel with bytes encoded by etcd-kv-codec.ts: no generated client, no per-call
// stack capture, no conversion of the messages to objects and back, no policy wrappers. Failover
// follows etcd-failover.ts as the etcd3 client's does: each attempt has its own deadline, a failed
// attempt goes to the next member of a shuffled order after a short backoff, and a member whose
// connection keeps failing is skipped for a while.

const RANGE = '/etcdserverpb.KV/Range';
const TXN = '/etcdserverpb.KV/Txn';

function unaryCall(channel: grpc.Channel, method: string, request: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const call = channel.createCall(method, Date.now() + timeoutMs, undefined, null, undefined);
    let response: Buffer | undefined;
    call.start(NO_METADATA, {
      onReceiveMetadata: () => undefined,
      onReceiveMessage: (message: Buffer) => {
        response = message;
      },
      onReceiveStatus: (status) => {
        if (status.code !== grpc.status.OK) reject(statusError(status));
        else if (!response) reject(statusError({ code: grpc.status.UNIMPLEMENTED, details: 'No message received', metadata: status.metadata }));
        else resolve(response);
      },
    });
    call.sendMessageWithContext({}, request);
    call.halfClose();
    call.startRead();
  });
}

export class EtcdKv {
  /** Also the channels of EtcdStore's watches (etcd-watch.ts). */
  readonly members: EtcdMembers;

  constructor(opts: EtcdMembersOptions) {
    this.members = new EtcdMembers(opts);
  }

  async range(req: KvRange): Promise<KvRangeResult> {
    return decodeRangeResponse(await this.call(RANGE, encodeRange(req), req.rangeEnd ? LIST_ATTEMPT_TIMEOUT_MS : ATTEMPT_TIMEOUT_MS));
  }

  /**
   * Sent again after a transient failure like every call: safe only because every write of
   * EtcdStore is guarded by a compare, so of two attempts at most one applies.
   */
  async txn(req: KvTxn): Promise<KvTxnResult> {
    return decodeTxnResponse(await this.call(TXN, encodeTxn(req), ATTEMPT_TIMEOUT_MS));
  }

  close(): void {
    this.members.close();
  }

  private async call(method: string, request: Buffer, timeoutMs: number): Promise<Buffer> {
    const order = this.members.order();
    let lastError: Error | undefined;
    let next = 0;
    for (let attempt = 0; ; attempt++) {
      const member = this.members.nextAvailable(order, next);
      if (!member) throw lastError ?? allMembersPaused();
      next = (order.indexOf(member) + 1) % order.length;
      try {
        const response = await unaryCall(member.channel, method, request, timeoutMs);
        this.members.succeeded(member);
        return response;
      } catch (err) {
        const error = err as Error;
        this.members.failed(member, error);
        if (!isRecoverableError(error) || attempt === MAX_RETRIES) throw error;
        lastError = error;
        await new Promise((r) => setTimeout(r, backoffMs(attempt, BACKOFF_FIRST_MS, BACKOFF_MAX_MS)));
      }
    }
  }
}
