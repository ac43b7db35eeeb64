import type { CacheEvent } from './cache-event.js';

interface EventWindowOptions {
  /** Events always kept, whatever their age. */
  minEvents: number;
  /** Never more than this many, however fresh. */
  maxEvents: number;
  /** Beyond minEvents, an event is kept until it is this old (Kubernetes' eventFreshDuration). */
  freshMs: number;
}

/**
 * The recent events of one resource in revision order, in a ring buffer that grows while a burst
 * is younger than freshMs and sheds old events afterwards. Every event with a revision above
 * oldestResumable is held, so a watch from any revision at or above it can be replayed without gaps.
 */
export class EventWindow {
  private buf: (CacheEvent | undefined)[];
  private head = 0;
  private count = 0;
  private resumableFrom = 0;

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

  /** Forgets every event: only watches from revision onwards can resume. */
  reset(revision: number): void {
    this.buf.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.resumableFrom = revision;
  }

  push(event: CacheEvent): void {
    this.evictFor(event.receivedAt);
    if (this.count === this.buf.length) this.grow();
    this.buf[(this.head + this.count) % this.buf.length] = event;
    this.count++;
  }

  /** Events with a revision above `revision`, oldest first; the caller checks oldestResumable. */
  since(revision: number): CacheEvent[] {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    const out: CacheEvent[] = [];
    for (let i = lo; i < this.count; i++) out.push(this.at(i));
    return out;
  }

  private at(i: number): CacheEvent {
    return this.buf[(this.head + i) % this.buf.length]!;
  }

  private evictFor(now: number): void {
    const { minEvents, maxEvents, freshMs } = this.opts;
    while (this.count > 0 && (this.count >= maxEvents || (this.count >= minEvents && this.at(0).receivedAt < now - freshMs))) {
      this.resumableFrom = this.at(0).revision;
      this.buf[this.head] = undefined;
      this.head = (this.head + 1) % this.buf.length;
      this.count--;
    }
  }

  private grow(): void {
    const next = new Array<CacheEvent | undefined>(this.buf.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.at(i);
    this.buf = next;
    this.head = 0;
  }
}
