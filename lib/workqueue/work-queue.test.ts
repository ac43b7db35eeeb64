import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.js';

/** Resolves to 'pending' if the promise has not settled after the microtask queue drains. */
async function peek<T>(promise: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);
}

describe('WorkQueue', () => {
  it('hands out keys in order and each only once however often it was added', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(queue.len()).toBe(2);
    expect(await queue.get()).toEqual({ key: 'a', shutdown: false });
    expect(await queue.get()).toEqual({ key: 'b', shutdown: false });
    expect(queue.len()).toBe(0);
    expect(await peek(queue.get())).toBe('pending');
  });

  it('holds back a key added while it is processed until done, then hands it out once', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    await queue.get();
    queue.add('a');
    queue.add('a');
    expect(queue.len()).toBe(0);
    const next = queue.get();
    expect(await peek(next)).toBe('pending');
    queue.done('a');
    expect(await next).toEqual({ key: 'a', shutdown: false });
    queue.done('a');
    expect(queue.len()).toBe(0);
  });

  it('does not requeue a key that was not added again while processing', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    await queue.get();
    queue.done('a');
    expect(queue.len()).toBe(0);
  });

  it('ignores done for a key that is not being processed', () => {
    const queue = new WorkQueue();
    queue.add('a');
    queue.done('a');
    expect(queue.len()).toBe(1);
  });

  it('wakes a waiting worker when a key arrives, first waiter first', async () => {
    const queue = new WorkQueue();
    const first = queue.get();
    const second = queue.get();
    queue.add('a');
    expect(await first).toEqual({ key: 'a', shutdown: false });
    expect(await peek(second)).toBe('pending');
    queue.add('b');
    expect(await second).toEqual({ key: 'b', shutdown: false });
  });

  it('on shutdown releases waiters, stops handing out keys and ignores adds', async () => {
    const queue = new WorkQueue();
    const waiting = queue.get();
    queue.shutDown();
    expect(await waiting).toEqual({ key: undefined, shutdown: true });
    queue.add('a');
    expect(queue.len()).toBe(0);
    expect(queue.shuttingDown()).toBe(true);
    expect(await queue.get()).toEqual({ key: undefined, shutdown: true });
  });

  it('stays in order across many keys', async () => {
    const queue = new WorkQueue();
    const keys = Array.from({ length: 5000 }, (_, i) => `k${i}`);
    for (const key of keys) queue.add(key);
    const out: string[] = [];
    for (let i = 0; i < keys.length; i++) {
      const item = await queue.get();
      if (!item.shutdown) out.push(item.key);
      if (i === 2000) queue.add('late');
    }
    expect(out).toEqual(keys);
    expect(await queue.get()).toEqual({ key: 'late', shutdown: false });
  });
});
