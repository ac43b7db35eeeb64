import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';
import { isApiError, type StatusReason } from '../api/errors.js';
import type { Event, ObjectReference } from '../api/generated/index.js';
import { formatTime } from '../client/api-time.js';
import type { ApiClient } from '../client/client.js';
import { sleep } from '../informer/backoff.js';

export type EventType = 'Normal' | 'Warning';

/** The object an event is about; namespace '' for cluster-scoped objects. */
export type InvolvedObject = Pick<ObjectReference, 'kind' | 'namespace' | 'name' | 'uid' | 'apiVersion' | 'resourceVersion' | 'fieldPath'>;

export interface EventRecorderOptions {
  client: ApiClient;
  /** source.component and reportingComponent, e.g. `kubelet`, `default-scheduler`. */
  component: string;
  /** source.host and reportingInstance; default this machine's hostname. */
  host?: string;
  log?: Logger;
  /** Events waiting to be written; more are dropped (and logged). Default 1000. */
  maxQueue?: number;
  /** Repeats within this window update the existing Event instead of creating one. Default 10 minutes. */
  dedupeWindowMs?: number;
  /** How many distinct events are remembered for deduplication. Default 4096. */
  cacheSize?: number;
  /**
   * Events written at once. Default 1; a busy writer such as the scheduler (an event per pod)
   * raises it. Repeats of one event are still written one after the other, so they count up.
   */
  maxInFlight?: number;
  /** The first wait before retrying a transient failure; it doubles up to 10 s. Default 250 ms. */
  retryDelayMs?: number;
  clock?: () => number;
}

interface Pending {
  key: string;
  involved: InvolvedObject;
  type: EventType;
  reason: string;
  message: string;
  at: number;
}

interface Seen {
  namespace: string;
  name: string;
  count: number;
  lastSeenAt: number;
}

const TRANSIENT: StatusReason[] = ['ServiceUnavailable', 'Timeout', 'InternalError', 'TooManyRequests'];
/**
 * client-go's recorder tries an Event 12 times, 10 s apart: an apiserver that is busy for a minute
 * (timeouts under a create burst) must not cost the events of that minute. The waits here start
 * shorter and double, so a brief hiccup costs less than 10 s of delay.
 */
const MAX_ATTEMPTS = 12;
const MAX_RETRY_DELAY_MS = 10_000;

/**
 * Records Kubernetes Events for objects, like client-go's recorder and EventCorrelator: event()
 * never blocks and never throws (events are queued and written in the background, in order up to
 * `maxInFlight` at a time), and an event repeated within the dedupe window bumps the existing
 * Event's count and lastTimestamp instead of creating another object.
 */
export class EventRecorder {
  private readonly client: ApiClient;
  private readonly component: string;
  private readonly host: string;
  private readonly log: Logger;
  private readonly maxQueue: number;
  private readonly dedupeWindowMs: number;
  private readonly cacheSize: number;
  private readonly clock: () => number;
  private readonly maxInFlight: number;
  private readonly retryDelayMs: number;
  /** Events waiting to be written, oldest first from `head` (taking the oldest moves `head`, not the array). */
  private queue: Pending[] = [];
  private head = 0;
  /** Recently written events by correlation key, least recently used first. */
  private readonly seen = new Map<string, Seen>();
  /** Correlation keys of the events being written. */
  private readonly writing = new Set<string>();
  private idleWaiters: Array<() => void> = [];
  private dropped = 0;
  private sequence = 0;

  constructor(options: EventRecorderOptions) {
    this.client = options.client;
    this.component = options.component;
    this.host = options.host ?? hostname();
    this.log = (options.log ?? pino({ level: 'silent' })).child({ component: 'event-recorder', source: options.component });
    this.maxQueue = options.maxQueue ?? 1000;
    this.dedupeWindowMs = options.dedupeWindowMs ?? 10 * 60 * 1000;
    this.cacheSize = options.cacheSize ?? 4096;
    this.clock = options.clock ?? Date.now;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 1);
    this.retryDelayMs = options.retryDelayMs ?? 250;
  }

  event(involved: InvolvedObject, type: EventType, reason: string, message: string): void {
    if (this.queue.length - this.head >= this.maxQueue) {
      if (this.dropped++ === 0) this.log.warn({ reason, object: `${involved.namespace ?? ''}/${involved.name ?? ''}` }, 'event queue full; dropping events');
      return;
    }
    const item = { involved: { ...involved }, type, reason, message, at: this.clock() };
    this.queue.push({ ...item, key: this.correlationKey(item) });
    this.pump();
  }

  /** Resolves once every event recorded so far has been written (or given up on). */
  flush(): Promise<void> {
    if (this.queue.length === this.head && this.writing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Starts writes while there is room: the oldest waiting event whose repeat is not being written. */
  private pump(): void {
    while (this.writing.size < this.maxInFlight) {
      const item = this.takeWritable();
      if (!item) break;
      this.writing.add(item.key);
      void this.write(item).finally(() => {
        this.writing.delete(item.key);
        this.pump();
      });
    }
    if (this.queue.length === this.head && this.writing.size === 0) this.becameIdle();
  }

  /**
   * Takes the oldest waiting event whose repeat is not being written. That is nearly always the
   * oldest of all, taken in constant time; a backlog of thousands (an event per pod scheduled)
   * made taking it by splicing the array's front cost a copy of the whole backlog each time.
   */
  private takeWritable(): Pending | undefined {
    let index = this.head;
    while (index < this.queue.length && this.writing.has(this.queue[index]!.key)) index++;
    if (index === this.queue.length) return undefined;
    const item = this.queue[index]!;
    if (index === this.head) this.head++;
    else this.queue.splice(index, 1);
    // The taken front is dropped once it is most of the array, so the array stays proportional to the backlog.
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  private becameIdle(): void {
    if (this.dropped > 0) {
      this.log.warn({ dropped: this.dropped }, 'events were dropped because the queue was full');
      this.dropped = 0;
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const notify of waiters) notify();
  }

  private async write(item: Pending): Promise<void> {
    const key = item.key;
    const previous = this.seen.get(key);
    try {
      if (previous && item.at - previous.lastSeenAt < this.dedupeWindowMs) {
        const count = previous.count + 1;
        const patched = await this.withRetries(() =>
          this.client
            .resource('event')
            .patch(previous.namespace, previous.name, { count, lastTimestamp: formatTime(item.at) }, { type: 'merge' })
            .then(() => true)
            .catch((err: unknown) => {
              // The Event may have expired (events have a TTL) or been deleted: write a new one.
              if (isApiError(err, 'NotFound')) return false;
              throw err;
            }),
        );
        if (patched) {
          this.remember(key, { ...previous, count, lastSeenAt: item.at });
          return;
        }
      }
      // The stored Event is what was sent (its name is ours, its count 1): the answer is not decoded.
      let sent!: Event;
      await this.withRetries(() => this.client.resource('event').createIgnoringResult((sent = this.newEvent(item))));
      this.remember(key, { namespace: sent.metadata?.namespace ?? '', name: sent.metadata?.name ?? '', count: sent.count ?? 1, lastSeenAt: item.at });
    } catch (err) {
      this.log.warn({ err: (err as Error).message, reason: item.reason, object: `${item.involved.namespace ?? ''}/${item.involved.name ?? ''}` }, 'cannot write event');
    }
  }

  private newEvent(item: Pending): Event {
    const time = formatTime(item.at);
    const involved = item.involved;
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${involved.name ?? ''}.${this.uniqueSuffix(item.at)}`,
        // Events about cluster-scoped objects (nodes, namespaces) live in the default namespace.
        namespace: involved.namespace || 'default',
      },
      involvedObject: { ...involved },
      reason: item.reason,
      message: item.message,
      source: { component: this.component, host: this.host },
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
      type: item.type,
      reportingComponent: this.component,
      reportingInstance: this.host,
    };
  }

  /** Kubernetes names events `<object>.<unix nanos in hex>`; a counter in the sub-millisecond digits keeps ours unique. */
  private uniqueSuffix(atMs: number): string {
    this.sequence = (this.sequence + 1) % 1_000_000;
    return (BigInt(Math.floor(atMs)) * 1_000_000n + BigInt(this.sequence)).toString(16);
  }

  private correlationKey(item: Omit<Pending, 'key'>): string {
    const o = item.involved;
    return JSON.stringify([this.component, this.host, o.kind, o.namespace, o.name, o.fieldPath, o.uid, o.apiVersion, item.type, item.reason, item.message]);
  }

  private remember(key: string, entry: Seen): void {
    this.seen.delete(key);
    this.seen.set(key, entry);
    if (this.seen.size > this.cacheSize) this.seen.delete(this.seen.keys().next().value!);
  }

  private async withRetries<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const transient = TRANSIENT.some((reason) => isApiError(err, reason));
        if (!transient || attempt >= MAX_ATTEMPTS) throw err;
        await sleep(Math.min(MAX_RETRY_DELAY_MS, this.retryDelayMs * 2 ** (attempt - 1)));
      }
    }
  }
}
