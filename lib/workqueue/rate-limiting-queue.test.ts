import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ItemExponentialFailureRateLimiter } from './rate-limiter.js';
import { RateLimitingQueue } from './rate-limiting-queue.js';

describe('RateLimitingQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const newQueue = () => new RateLimitingQueue<string>({ now: () => Date.now() });

  it('adds a key only once its delay has passed', async () => {
    const queue = newQueue();
    queue.addAfter('a', 100);
    expect(queue.len()).toBe(0);
    expect(queue.numDelayed()).toBe(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(queue.len()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(queue.len()).toBe(1);
    expect(queue.numDelayed()).toBe(0);
    await expect(queue.get()).resolves.toEqual({ key: 'a', shutdown: false });
  });

  it('keeps the earlier deadline when a waiting key is added again', async () => {
    const queue = newQueue();
    queue.addAfter('a', 100);
    queue.addAfter('a', 500);
    queue.addAfter('a', 50);
    expect(queue.numDelayed()).toBe(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(queue.len()).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(queue.len()).toBe(1);
  });

  it('waits out a delay longer than a Node timer can hold instead of adding at once', async () => {
    const queue = newQueue();
    const days40 = 40 * 24 * 3600 * 1000;
    queue.addAfter('a', days40);
    await vi.advanceTimersByTimeAsync(2 ** 31);
    expect(queue.len()).toBe(0);
    expect(queue.numDelayed()).toBe(1);
    await vi.advanceTimersByTimeAsync(days40 - 2 ** 31);
    expect(queue.len()).toBe(1);
  });

  it('adds at once for a zero or negative delay', () => {
    const queue = newQueue();
    queue.addAfter('a', 0);
    queue.addAfter('b', -5);
    expect(queue.len()).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('backs off exponentially per key and starts over after forget', async () => {
    const queue = newQueue();
    const seen: number[] = [];
    for (const expectedDelay of [5, 10, 20]) {
      queue.addRateLimited('a');
      await vi.advanceTimersByTimeAsync(expectedDelay - 1);
      expect(queue.len()).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(queue.len()).toBe(1);
      const item = await queue.get();
      queue.done('a');
      seen.push(queue.numRequeues('a'));
      expect(item.key).toBe('a');
    }
    expect(seen).toEqual([1, 2, 3]);
    queue.forget('a');
    expect(queue.numRequeues('a')).toBe(0);
    queue.addRateLimited('a');
    await vi.advanceTimersByTimeAsync(5);
    expect(queue.len()).toBe(1);
  });

  it('uses the rate limiter it is given', async () => {
    const queue = new RateLimitingQueue<string>({ rateLimiter: new ItemExponentialFailureRateLimiter(1000, 1000) });
    queue.addRateLimited('a');
    await vi.advanceTimersByTimeAsync(999);
    expect(queue.len()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(queue.len()).toBe(1);
  });

  it('clears every pending timer on shutdown and ignores later delayed adds', async () => {
    const queue = newQueue();
    queue.addAfter('a', 1000);
    queue.addRateLimited('b');
    expect(vi.getTimerCount()).toBe(2);
    queue.shutDown();
    expect(vi.getTimerCount()).toBe(0);
    expect(queue.numDelayed()).toBe(0);
    queue.addAfter('c', 10);
    queue.addRateLimited('d');
    expect(vi.getTimerCount()).toBe(0);
    await expect(queue.get()).resolves.toEqual({ key: undefined, shutdown: true });
  });
});
