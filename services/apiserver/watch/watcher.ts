import type { AnyObject } from '../../../lib/api/resources.js';
import { ApiError } from '../../../lib/api/errors.js';
import type { CacheEvent } from './cache-event.js';
import type { WatchOut } from './types.js';

export type ObjectMatcher = (obj: AnyObject) => boolean;

/**
 * Which WatchOut, if any, a watcher with this matcher gets for an event (undefined matcher =
 * everything). Matchers read the selection views: routing an event decodes no whole object.
 */
export function outFor(event: CacheEvent, matches: ObjectMatcher | undefined): WatchOut | undefined {
  if (!matches) return event.asIs();
  switch (event.type) {
    case 'ADDED':
      return matches(event.entry.view) ? event.asIs() : undefined;
    case 'DELETED':
      return event.prev && matches(event.prev.view) ? event.asIs() : undefined;
    case 'MODIFIED': {
      const now = matches(event.entry.view);
      const before = event.prev !== undefined && matches(event.prev.view);
      if (now) return before ? event.asIs() : event.asAdded();
      return before ? event.asDeleted() : undefined;
    }
  }
}

interface CacheWatcherOptions {
  matches: ObjectMatcher | undefined;
  /** Events buffered for a consumer that is behind; one more terminates the watch. */
  queueLimit: number;
  /** The revision the watch starts after: nothing at or below it is delivered. */
  startRevision: number;
  /** Called once when the watch ends for any reason, to unregister it. */
  onClose: (watcher: CacheWatcher) => void;
}

/**
 * One client's watch: a bounded queue filled synchronously by the cache and drained by an async
 * iterator. What a watch starts with (the objects of a watch from 0, or the window's events after
 * its resourceVersion) is read lazily from a shared list and does not count against the queue
 * limit, as in Kubernetes' cacher.
 */
export class CacheWatcher implements AsyncIterator<WatchOut> {
  readonly matches: ObjectMatcher | undefined;
  /** The highest revision queued: bookmarks are only worth sending above it. */
  lastRevision: number;
  nextBookmarkAt = Infinity;

  /** The revision of the last event handed to the consumer. */
  private deliveredRevision = 0;
  private pullInitial: (() => WatchOut | undefined) | undefined;
  private queue: WatchOut[] = [];
  private queueHead = 0;
  private waiting: { resolve: (r: IteratorResult<WatchOut>) => void; reject: (e: unknown) => void } | undefined;
  private state: 'open' | 'ending' | 'closed' = 'open';
  private failure: unknown;

  constructor(private readonly opts: CacheWatcherOptions) {
    this.matches = opts.matches;
    this.lastRevision = opts.startRevision;
  }

  /** Items delivered before anything pushed, each turned into a WatchOut (or skipped) as it is reached. */
  setInitial<T>(items: readonly T[], toOut: (item: T) => WatchOut | undefined): void {
    let next = 0;
    this.pullInitial = () => {
      while (next < items.length) {
        const out = toOut(items[next++]!);
        if (out) return out;
      }
      this.pullInitial = undefined;
      return undefined;
    };
  }

  push(out: WatchOut): void {
    if (this.state !== 'open') return;
    if (out.revision > this.lastRevision) this.lastRevision = out.revision;
    if (this.waiting) {
      // A waiting consumer has drained everything: hand the event over directly.
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting.resolve({ value: out, done: false });
      return;
    }
    if (this.queue.length - this.queueHead >= this.opts.queueLimit) {
      this.fail(
        new ApiError('TooManyRequests', `watch is too slow: more than ${this.opts.queueLimit} events pending; resume from the last resourceVersion received`, {
          retryAfterSeconds: 1,
        }),
      );
      return;
    }
    this.queue.push(out);
  }

  /** Ends the watch with an error after the rest of the revision the consumer is in; later events are dropped. */
  fail(err: unknown): void {
    if (this.state === 'closed') return;
    this.failure = err;
    this.dropAfterCurrentRevision();
    this.close();
  }

  /** Ends the watch after the rest of the revision the consumer is in (a watch's timeout). */
  finish(): void {
    if (this.state !== 'open') return;
    this.dropAfterCurrentRevision();
    this.end();
  }

  /** Ends the watch after the consumer has taken what is queued. */
  end(): void {
    if (this.state !== 'open') return;
    this.state = 'ending';
    this.opts.onClose(this);
    if (!this.pullInitial && this.queueHead === this.queue.length) this.close();
  }

  next(): Promise<IteratorResult<WatchOut>> {
    const initial = this.pullInitial?.();
    if (initial) {
      this.deliveredRevision = initial.revision;
      return Promise.resolve({ value: initial, done: false });
    }
    if (this.queueHead < this.queue.length) {
      const value = this.queue[this.queueHead++]!;
      this.deliveredRevision = value.revision;
      if (this.queueHead === this.queue.length) {
        this.queue = [];
        this.queueHead = 0;
        if (this.state === 'ending') this.close();
      } else if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.queueHead);
        this.queueHead = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.state !== 'open') {
      this.close();
      if (this.failure !== undefined) {
        const err = this.failure;
        this.failure = undefined;
        return Promise.reject(err);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    if (this.waiting) return Promise.reject(new Error('CacheWatcher.next() called again before the previous call settled'));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  /** The consumer is gone: drop everything and unregister. */
  return(): Promise<IteratorResult<WatchOut>> {
    this.dropQueued();
    this.failure = undefined;
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  private dropQueued(): void {
    this.pullInitial = undefined;
    this.queue = [];
    this.queueHead = 0;
  }

  /**
   * Drops what is waiting except the rest of the revision the consumer is in. One transaction can
   * write several objects, all at one revision, and a client resumes from the last resourceVersion
   * it received: a watch cut inside a revision would lose that revision's other events for good.
   */
  private dropAfterCurrentRevision(): void {
    const current = this.deliveredRevision;
    let end = this.queueHead;
    while (end < this.queue.length && this.queue[end]!.revision === current) end++;
    this.queue = this.queue.slice(this.queueHead, end);
    this.queueHead = 0;
    const initial = this.pullInitial;
    if (!initial) return;
    this.pullInitial = () => {
      const out = initial();
      if (out?.revision === current) return out;
      this.pullInitial = undefined;
      return undefined;
    };
  }

  private close(): void {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    if (wasOpen) this.opts.onClose(this);
    const waiting = this.waiting;
    this.waiting = undefined;
    if (!waiting) return;
    if (this.failure !== undefined) {
      const err = this.failure;
      this.failure = undefined;
      waiting.reject(err);
    } else {
      waiting.resolve({ value: undefined, done: true });
    }
  }
}
