import type { CacheEvent } from './cache-event.js';

interface EventWindowOptions {
  /** Events always kept, whatever their age. */
  minEvents: number;
  /** Never more than this many, however fresh (a revision still arriving is kept whole beyond it). */
  maxEvents: number;
  /** Beyond minEvents, an event is kept until it is this old (Kubernetes' eventFreshDuration). */
  freshMs: number;
}

/**
 * The recent events of one resource in revision order, in a ring buffer that grows while a burst
 * is younger than freshMs and sheds old events afterwards. Every event with a revision above
 * oldestResumable is held, so a watch from any revision at or above it can be replayed without gaps.
 * A revision (one transaction may write several objects) is held or dropped whole: the window holds
 * every event of each revision above oldestResumable and none at or below it.
 */
export class EventWindow {
  private buf: (CacheEvent | undefined)[];
  private head = 0;
  private count = 0;
  private resumableFrom = 0;
  private resumableFromShared = false;

  constructor(private readonly opts: EventWindowOptions) {
    this.buf = new Array<CacheEvent | undefined>(Math.max(16, Math.min(opts.minEvents, 1024)));
  }

  get size(): number {
    return this.count;
  }

  /** The oldest revision a watch can resume from. */
  get oldestResumable(): number {
    return this.resumableFrom;
  }

  /**
   * Whether oldestResumable is a revision the window dropped with more than one event: its events
   * cannot be told again. False after reset: the window never saw the events of that revision.
   */
  get oldestResumableShared(): boolean {
    return this.resumableFromShared;
  }

  /** Forgets every event: only watches from revision onwards can resume. */
  reset(revision: number): void {
    this.buf.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.resumableFrom = revision;
    this.resumableFromShared = false;
  }

  push(event: CacheEvent): void {
    this.evictFor(event);
    if (this.count === this.buf.length) this.grow();
    this.buf[(this.head + this.count) % this.buf.length] = event;
    this.count++;
  }

  /** Events with a revision above `revision`, oldest first; the caller checks oldestResumable. */
  since(revision: number): CacheEvent[] {
    return this.slice(this.firstAbove(revision), this.count);
  }

  /** The events of one revision above oldestResumable, in the order they were written. */
  at(revision: number): CacheEvent[] {
    return this.slice(this.firstAbove(revision - 1), this.firstAbove(revision));
  }

  /** The index of the first event with a revision above `revision` (count if none). */
  private firstAbove(revision: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.nth(mid).revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private slice(from: number, to: number): CacheEvent[] {
    const out: CacheEvent[] = [];
    for (let i = from; i < to; i++) out.push(this.nth(i));
    return out;
  }

  private nth(i: number): CacheEvent {
    return this.buf[(this.head + i) % this.buf.length]!;
  }

  private evictFor(incoming: CacheEvent): void {
    const { minEvents, maxEvents, freshMs } = this.opts;
    const now = incoming.receivedAt;
    while (
      this.count > 0 &&
      this.nth(0).revision !== incoming.revision &&
      (this.count >= maxEvents || (this.count >= minEvents && this.nth(0).receivedAt < now - freshMs))
    ) {
      this.dropOldestRevision();
    }
  }

  private dropOldestRevision(): void {
    const revision = this.nth(0).revision;
    let dropped = 0;
    for (; this.count > 0 && this.nth(0).revision === revision; dropped++) {
      this.buf[this.head] = undefined;
      this.head = (this.head + 1) % this.buf.length;
      this.count--;
    }
    this.resumableFrom = revision;
    this.resumableFromShared = dropped > 1;
  }

  private grow(): void {
    const next = new Array<CacheEvent | undefined>(this.buf.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.nth(i);
    this.buf = next;
    this.head = 0;
  }
}
