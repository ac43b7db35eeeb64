/**
 * Decides how long a failed key waits before it is retried. Each call to `when`
 * counts as one more failure of that key; `forget` clears its history once it succeeds.
 */
export interface RateLimiter<K extends string = string> {
  when(key: K): number;
  forget(key: K): void;
  numRequeues(key: K): number;
}

/** Milliseconds on a monotonic clock; injectable so tests can drive time. */
export type Clock = () => number;

export const monotonicClock: Clock = () => performance.now();

/** Per-key backoff: base, 2×base, 4×base, ... capped at max, so one broken object cannot hot-loop. */
export class ItemExponentialFailureRateLimiter<K extends string = string> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();

  constructor(
    private readonly baseDelayMs: number,
    private readonly maxDelayMs: number,
  ) {}

  when(key: K): number {
    const previous = this.failures.get(key) ?? 0;
    this.failures.set(key, previous + 1);
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** previous);
  }

  forget(key: K): void {
    this.failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }
}

export interface TokenBucketOptions {
  qps: number;
  burst: number;
  now?: Clock;
}

/**
 * Overall limit across all keys, so a burst of failures (e.g. the apiserver going away)
 * does not turn into a retry storm. Each call reserves a token; when the bucket is empty
 * the returned delay is the time until the reserved token will have been refilled.
 */
export class TokenBucketRateLimiter<K extends string = string> implements RateLimiter<K> {
  private readonly qps: number;
  private readonly burst: number;
  private readonly now: Clock;
  private tokens: number;
  private last: number;

  constructor(options: TokenBucketOptions) {
    this.qps = options.qps;
    this.burst = options.burst;
    this.now = options.now ?? monotonicClock;
    this.tokens = options.burst;
    this.last = this.now();
  }

  when(_key: K): number {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.qps) * 1000;
  }

  forget(_key: K): void {}

  numRequeues(_key: K): number {
    return 0;
  }
}

/** Waits as long as the slowest of its limiters demands. */
export class MaxOfRateLimiter<K extends string = string> implements RateLimiter<K> {
  private readonly limiters: RateLimiter<K>[];

  constructor(...limiters: RateLimiter<K>[]) {
    this.limiters = limiters;
  }

  when(key: K): number {
    return Math.max(0, ...this.limiters.map((limiter) => limiter.when(key)));
  }

  forget(key: K): void {
    for (const limiter of this.limiters) limiter.forget(key);
  }

  numRequeues(key: K): number {
    return Math.max(0, ...this.limiters.map((limiter) => limiter.numRequeues(key)));
  }
}

/** client-go's controller default: per-key 5 ms → 1000 s backoff, and 10 retries/s overall with a burst of 100. */
export function defaultControllerRateLimiter<K extends string = string>(options: { now?: Clock } = {}): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(
    new ItemExponentialFailureRateLimiter<K>(5, 1_000_000),
    new TokenBucketRateLimiter<K>({ qps: 10, burst: 100, now: options.now }),
  );
}
