import * as grpc from '@grpc/grpc-js';
import { EtcdWatchStreamEnded } from 'etcd3';
import { backoffMs, WATCH_BACKOFF_FIRST_MS, WATCH_BACKOFF_MAX_MS } from './etcd-failover.js';
import { allMembersPaused, statusError, type EtcdMember, type EtcdMembers } from './etcd-members.js';
import { decodeWatchResponse, encodeWatchCreate, type WatchResponseFields } from './etcd-watch-codec.js';
import { watchedRange } from './progress-key.js';
import { CompactedError, type StoreWatch, type WatchEvent, type WatchHandlers } from './store.js';

// EtcdStore's watches: each its own Watch stream (one grpc-js call, bytes through
// etcd-watch-codec.ts) on the members' channels that EtcdKv uses. The etcd3 client multiplexes
// every watch on one stream; a stream each makes a watch's lifetime its call's: cancelling is
// ending the call (etcd drops a stream's watches with it: no cancel request, no reply to wait for
// from a member that may be gone), and no queue orders the creation of several watches.
//
// A dropped stream is opened again, after a backoff (etcd-failover.ts), on the next member of the
// watch's shuffled order, from the revision after the last one delivered, for as long as the
// watch lives: the etcd3 client's behaviour, which the watch caches rely on.

const WATCH = '/etcdserverpb.Watch/Watch';

/**
 * etcd's "require leader" metadata, which etcd's Go client sends on its watches (WithRequireLeader).
 * A member cut off from its quorum would keep a watch open with no events coming, the cluster
 * writing on without it; asked for a leader, it refuses to open the stream, and ends one it has
 * open once it has had no leader for a few election timeouts ("etcdserver: no leader",
 * Unavailable): the stream is dropped, and opened again on another member.
 */
const REQUIRE_LEADER = new grpc.Metadata();
REQUIRE_LEADER.set('hasleader', 'true');

/** grpc-js' call on a channel (the Call it exports is its client streams' type). */
type ChannelCall = ReturnType<grpc.Channel['createCall']>;

/** Stops opening watches again once the store is closed. */
class StoreClosedError extends Error {
  constructor() {
    super('the etcd store is closed');
  }
}

/**
 * Watches prefix and its progress key (progress-key.ts) from fromRevision. Resolves once etcd has
 * created the watch; progress key writes, and etcd's progress notifications, reach the handlers as
 * empty batches at their revision.
 */
export function openEtcdWatch(members: EtcdMembers, prefix: string, fromRevision: number, handlers: WatchHandlers): Promise<StoreWatch> {
  return new EtcdWatch(members, prefix, fromRevision, handlers).established;
}

class EtcdWatch implements StoreWatch {
  readonly established: Promise<StoreWatch>;
  private resolve!: (watch: StoreWatch) => void;
  private reject!: (err: Error) => void;
  private readonly range: { key: Buffer; rangeEnd: Buffer };
  private readonly order: EtcdMember[];
  private next = 0;
  /**
   * The revision up to which every change has reached the handlers: a stream opened again starts
   * after it. Not the last response header's revision, from which the etcd3 client resumes: the
   * created response and catch-up batches carry the store's current revision while older events are
   * still on their way, so resuming from there could skip events. (etcd's Go client resumes from
   * what it delivered too.)
   */
  private delivered: number;
  private call: ChannelCall | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retries = 0;
  private connected = false;
  private ended = false;

  constructor(
    private readonly members: EtcdMembers,
    private readonly prefix: string,
    fromRevision: number,
    private readonly handlers: WatchHandlers,
  ) {
    const range = watchedRange(prefix);
    this.range = { key: Buffer.from(range.start), rangeEnd: Buffer.from(range.end) };
    this.delivered = fromRevision - 1;
    this.order = members.order();
    this.established = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.open();
  }

  async cancel(): Promise<void> {
    this.end();
  }

  private end(): void {
    this.ended = true;
    clearTimeout(this.retryTimer);
    const call = this.call;
    this.call = undefined;
    call?.cancelWithStatus(grpc.status.CANCELLED, 'watch cancelled');
  }

  private open(): void {
    if (this.ended) return;
    if (this.members.closed) return this.fail(new StoreClosedError());
    const member = this.members.nextAvailable(this.order, this.next);
    if (!member) return this.dropped(allMembersPaused());
    this.next = (this.order.indexOf(member) + 1) % this.order.length;
    const call = member.channel.createCall(WATCH, Infinity, undefined, null, undefined);
    this.call = call;
    call.start(REQUIRE_LEADER, {
      onReceiveMetadata: () => undefined,
      onReceiveMessage: (message: Buffer) => {
        if (call !== this.call) return;
        let res: WatchResponseFields;
        try {
          res = decodeWatchResponse(message);
        } catch (err) {
          // As grpc-js ends a call whose message it cannot deserialise: the stream is opened again.
          call.cancelWithStatus(grpc.status.INTERNAL, `etcd watch response: ${(err as Error).message}`);
          return;
        }
        this.receive(member, res);
        if (call === this.call) call.startRead();
      },
      onReceiveStatus: (status) => {
        if (call !== this.call) return;
        this.call = undefined;
        if (this.members.closed) return this.fail(new StoreClosedError());
        const err = status.code === grpc.status.OK ? new EtcdWatchStreamEnded() : statusError(status);
        this.members.failed(member, err);
        this.dropped(err);
      },
    });
    call.sendMessageWithContext({}, encodeWatchCreate({ ...this.range, startRevision: this.delivered + 1, progressNotify: true }));
    call.startRead();
  }

  /** The stream is gone (or could not be opened): say so, and open it again after a backoff. */
  private dropped(err: Error): void {
    this.handlers.onDisconnected?.(err);
    this.retryTimer = setTimeout(() => this.open(), backoffMs(this.retries++, WATCH_BACKOFF_FIRST_MS, WATCH_BACKOFF_MAX_MS));
  }

  private receive(member: EtcdMember, res: WatchResponseFields): void {
    if (res.canceled) {
      const reason = res.cancelReason || 'no reason given';
      return this.fail(res.compactRevision > 0 || /compacted/.test(reason) ? new CompactedError(res.compactRevision) : new Error(`etcd cancelled the watch: ${reason}`));
    }
    if (res.created) {
      this.members.succeeded(member);
      this.retries = 0;
      if (!this.connected) {
        this.connected = true;
        this.resolve(this);
      }
      return;
    }
    // An empty response is a progress notification at the header's revision.
    const revision = res.events.length === 0 ? res.revision : res.events.at(-1)!.kv.modRevision;
    if (revision > this.delivered) this.delivered = revision;
    this.handlers.onBatch({ events: objectsOnly(res.events, this.prefix), revision });
  }

  /** The watch has ended for good: etcd cancelled it, or the store was closed. */
  private fail(err: Error): void {
    this.end();
    if (!this.connected) this.reject(err);
    else if (!(err instanceof StoreClosedError)) this.handlers.onError(err);
  }
}

/** The events of objects: the progress key shares the watched range but is no object. */
function objectsOnly(events: WatchEvent[], prefix: string): WatchEvent[] {
  for (const e of events) if (!e.kv.key.startsWith(prefix)) return events.filter((ev) => ev.kv.key.startsWith(prefix));
  return events;
}
