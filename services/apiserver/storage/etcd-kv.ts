import * as grpc from '@grpc/grpc-js';
import { BrokenCircuitError } from 'cockatiel';
import { castGrpcError, isRecoverableError } from 'etcd3';
import { ATTEMPT_TIMEOUT_MS, BACKOFF_FIRST_MS, BACKOFF_MAX_MS, FAILURES_BEFORE_PAUSE, isMemberUnreachable, LIST_ATTEMPT_TIMEOUT_MS, MAX_RETRIES, PAUSE_MS } from './etcd-failover.js';
import { decodeRangeResponse, decodeTxnResponse, encodeRange, encodeTxn, type KvRange, type KvRangeResult, type KvTxn, type KvTxnResult } from './etcd-kv-codec.js';

// The etcd client of EtcdStore's reads and writes (Range and Txn), the calls every request makes;
// watches, leases and compaction stay with the etcd3 client. Each call is one grpc-js call on
// the member's channel with bytes encoded by etcd-kv-codec.ts: no generated client, no per-call
// stack capture, no conversion of the messages to objects and back, no policy wrappers. Failover
// follows etcd-failover.ts as the etcd3 client's does: each attempt has its own deadline, a failed
// attempt goes to the next member of a shuffled order after a short backoff, and a member whose
// connection keeps failing is skipped for a while.

const RANGE = '/etcdserverpb.KV/Range';
const TXN = '/etcdserverpb.KV/Txn';

interface Member {
  channel: grpc.Channel;
  /** Unreachable failures in a row. */
  failures: number;
  pausedUntil: number;
}

/** The error etcd3 would have raised for this status (its classes tell recoverable failures apart). */
function statusError(status: grpc.StatusObject): Error {
  const err = Object.assign(new Error(`${status.code} ${grpc.status[status.code]}: ${status.details}`), { code: status.code, details: status.details, metadata: status.metadata });
  return castGrpcError(err);
}

/** No etcd member may be tried now (cockatiel's error, as etcd3's circuit breakers raised it). */
function allMembersPaused(): Error {
  return new BrokenCircuitError('Execution prevented because the circuit breaker is open');
}

const NO_METADATA = new grpc.Metadata();

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

function shuffled<T>(items: T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function backoffMs(retry: number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** retry);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

export interface EtcdKvOptions {
  /** etcd's client URLs (http:// or https://). */
  endpoints: string[];
  credentials: grpc.ChannelCredentials;
  channelOptions: grpc.ChannelOptions;
}

export class EtcdKv {
  private readonly members: Member[];

  constructor(opts: EtcdKvOptions) {
    const channelOptions: grpc.ChannelOptions = {
      ...opts.channelOptions,
      // A member that was down is dialled again within a second of coming back, not after
      // grpc-js' default backoff of up to two minutes.
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': PAUSE_MS,
    };
    this.members = opts.endpoints.map((url) => ({
      channel: new grpc.Channel(url.replace(/^https?:\/\//, ''), opts.credentials, channelOptions),
      failures: 0,
      pausedUntil: 0,
    }));
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
    for (const m of this.members) m.channel.close();
  }

  private async call(method: string, request: Buffer, timeoutMs: number): Promise<Buffer> {
    const order = this.members.length === 1 ? this.members : shuffled(this.members);
    let lastError: Error | undefined;
    let next = 0;
    for (let attempt = 0; ; attempt++) {
      const member = this.nextAvailable(order, next);
      if (!member) throw lastError ?? allMembersPaused();
      next = (order.indexOf(member) + 1) % order.length;
      try {
        const response = await unaryCall(member.channel, method, request, timeoutMs);
        member.failures = 0;
        return response;
      } catch (err) {
        const error = err as Error;
        if (isMemberUnreachable(error) && ++member.failures >= FAILURES_BEFORE_PAUSE) member.pausedUntil = Date.now() + PAUSE_MS;
        if (!isRecoverableError(error) || attempt === MAX_RETRIES) throw error;
        lastError = error;
        await new Promise((r) => setTimeout(r, backoffMs(attempt)));
      }
    }
  }

  /** The first member from index on (wrapping around) that is not paused. */
  private nextAvailable(order: Member[], from: number): Member | undefined {
    const now = Date.now();
    for (let i = 0; i < order.length; i++) {
      const m = order[(from + i) % order.length]!;
      if (m.pausedUntil <= now) return m;
    }
    return undefined;
  }
}
