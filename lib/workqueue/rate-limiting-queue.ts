import { type Clock, type RateLimiter, defaultControllerRateLimiter, monotonicClock } from './rate-limiter.js';
import { WorkQueue } from './work-queue.js';

export interface RateLimitingQueueOptions<K extends string> {
  /** Names the queue in the workqueue metrics (the controller's name); unnamed queues report none. */
  name?: string;
  rateLimiter?: RateLimiter<K>;
  now?: Clock;
}

interface Delayed {
  readyAt: number;
  timer: NodeJS.Timeout;
}

/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A WorkQueue that can also add keys later: after a fixed delay, or after the rate limiter's delay for a failed key. */
export class RateLimitingQueue<K extends string = string> extends WorkQueue<K> {
  private readonly rateLimiter: RateLimiter<K>;
  private readonly now: Clock;
  private readonly delayed = new Map<K, Delayed>();

  constructor(options: RateLimitingQueueOptions<K> = {}) {
    super({ name: options.name });
    this.now = options.now ?? monotonicClock;
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter<K>({ now: this.now });
  }

  /** Adds the key once `delayMs` has passed; a key already waiting keeps the earlier of its two deadlines. */
  addAfter(key: K, delayMs: number): void {
    if (this.shuttingDown()) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const readyAt = this.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending && pending.readyAt <= readyAt) return;
    if (pending) clearTimeout(pending.timer);
    this.delayed.set(key, { readyAt, timer: this.timerAfter(key, delayMs) });
  }

  /**
   * A timer that adds the key after delayMs. Node fires a timer longer than 2^31-1 ms at once, so a
   * long delay (a toleration of months) waits in steps instead of spinning.
   */
  private timerAfter(key: K, delayMs: number): NodeJS.Timeout {
    return setTimeout(() => {
      const pending = this.delayed.get(key);
      if (pending && delayMs > MAX_TIMER_MS) {
        pending.timer = this.timerAfter(key, delayMs - MAX_TIMER_MS);
        return;
      }
      this.delayed.delete(key);
      this.add(key);
    }, Math.min(delayMs, MAX_TIMER_MS));
  }

  /** Retries a failed key after the rate limiter's delay; counts as one more failure. */
  addRateLimited(key: K): void {
    if (!this.shuttingDown()) this.metrics?.retried();
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Clears the key's failure history; call it when a sync succeeds. It does not remove the key from the queue. */
  forget(key: K): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.rateLimiter.numRequeues(key);
  }

  /** Keys scheduled by addAfter or addRateLimited that are not yet in the queue. */
  numDelayed(): number {
    return this.delayed.size;
  }

  override shutDown(): void {
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    super.shutDown();
  }
}
