import * as grpc from '@grpc/grpc-js';
import { BrokenCircuitError } from 'cockatiel';
import { castGrpcError } from 'etcd3';
import { FAILURES_BEFORE_PAUSE, isMemberUnreachable, PAUSE_MS } from './etcd-failover.js';

// The channels to the etcd members that EtcdStore's own calls use (etcd-kv.ts for reads and writes,
// etcd-watch.ts for watches), and which members may be tried now: as etcd-failover.ts describes,
// a member whose connection keeps failing is skipped for a while.

export interface EtcdMember {
  readonly channel: grpc.Channel;
  /** Unreachable failures in a row. */
  failures: number;
  pausedUntil: number;
}

export interface EtcdMembersOptions {
  /** etcd's client URLs (http:// or https://). */
  endpoints: string[];
  credentials: grpc.ChannelCredentials;
  channelOptions: grpc.ChannelOptions;
}

/** Our calls to etcd carry no metadata: one empty instance for all. */
export const NO_METADATA = new grpc.Metadata();

/** The error etcd3 would have raised for this status (its classes tell recoverable failures apart). */
export function statusError(status: grpc.StatusObject): Error {
  const err = Object.assign(new Error(`${status.code} ${grpc.status[status.code]}: ${status.details}`), { code: status.code, details: status.details, metadata: status.metadata });
  return castGrpcError(err);
}

/** No etcd member may be tried now (cockatiel's error, as etcd3's circuit breakers raised it). */
export function allMembersPaused(): Error {
  return new BrokenCircuitError('Execution prevented because the circuit breaker is open');
}

function shuffled<T>(items: T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export class EtcdMembers {
  private readonly members: EtcdMember[];
  private isClosed = false;

  constructor(opts: EtcdMembersOptions) {
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

  /** The order a call (or a watch, across its reconnects) tries the members in: its own shuffle, so that load spreads. */
  order(): EtcdMember[] {
    return this.members.length === 1 ? this.members : shuffled(this.members);
  }

  /** The first member of order from index from on (wrapping around) that is not paused. */
  nextAvailable(order: EtcdMember[], from: number): EtcdMember | undefined {
    const now = Date.now();
    for (let i = 0; i < order.length; i++) {
      const m = order[(from + i) % order.length]!;
      if (m.pausedUntil <= now) return m;
    }
    return undefined;
  }

  succeeded(member: EtcdMember): void {
    member.failures = 0;
  }

  failed(member: EtcdMember, err: Error): void {
    if (isMemberUnreachable(err) && ++member.failures >= FAILURES_BEFORE_PAUSE) member.pausedUntil = Date.now() + PAUSE_MS;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  close(): void {
    this.isClosed = true;
    for (const m of this.members) m.channel.close();
  }
}
