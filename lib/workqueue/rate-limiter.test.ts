import { describe, expect, it } from 'vitest';
import {
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  TokenBucketRateLimiter,
  defaultControllerRateLimiter,
} from './rate-limiter.js';

function manualClock(start = 0): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('ItemExponentialFailureRateLimiter', () => {
  it('doubles per failure of a key, up to the cap, and forgets on success', () => {
    const limiter = new ItemExponentialFailureRateLimiter(5, 1_000_000);
    expect([1, 2, 3, 4].map(() => limiter.when('a'))).toEqual([5, 10, 20, 40]);
    expect(limiter.when('b')).toBe(5);
    expect(limiter.numRequeues('a')).toBe(4);
    for (let i = 0; i < 100; i++) limiter.when('a');
    expect(limiter.when('a')).toBe(1_000_000);
    limiter.forget('a');
    expect(limiter.numRequeues('a')).toBe(0);
    expect(limiter.when('a')).toBe(5);
  });
});

describe('TokenBucketRateLimiter', () => {
  it('lets a burst through, then spaces retries at 1/qps, and refills over time', () => {
    const clock = manualClock();
    const limiter = new TokenBucketRateLimiter({ qps: 10, burst: 100, now: clock.now });
    for (let i = 0; i < 100; i++) expect(limiter.when(`k${i}`)).toBe(0);
    expect(limiter.when('x')).toBeCloseTo(100);
    expect(limiter.when('y')).toBeCloseTo(200);
    clock.advance(10_000);
    expect(limiter.when('z')).toBe(0);
    expect(limiter.numRequeues('z')).toBe(0);
  });
});

describe('MaxOfRateLimiter', () => {
  it('waits for the slowest limiter and reports the largest requeue count', () => {
    const clock = manualClock();
    const limiter = new MaxOfRateLimiter(
      new ItemExponentialFailureRateLimiter(5, 1000),
      new TokenBucketRateLimiter({ qps: 1, burst: 1, now: clock.now }),
    );
    expect(limiter.when('a')).toBe(5);
    expect(limiter.when('a')).toBeCloseTo(1000);
    expect(limiter.numRequeues('a')).toBe(2);
    limiter.forget('a');
    expect(limiter.numRequeues('a')).toBe(0);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('starts at 5 ms per key and is capped by 10 qps once the burst of 100 is spent', () => {
    const clock = manualClock();
    const limiter = defaultControllerRateLimiter({ now: clock.now });
    expect(limiter.when('a')).toBe(5);
    expect(limiter.when('a')).toBe(10);
    for (let i = 0; i < 98; i++) limiter.when(`k${i}`);
    expect(limiter.when('fresh')).toBeCloseTo(100);
  });
});
