import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ItemExponentialFailureRateLimiter } from './rate-limiter.js';
import { RateLimitingQueue } from './rate-limiting-queue.js';
import { runWorkers } from './run-workers.js';

const log = pino({ level: 'silent' });
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('runWorkers', () => {
  it('retries a failing key with backoff and forgets it once sync succeeds', async () => {
    const queue = new RateLimitingQueue<string>({ rateLimiter: new ItemExponentialFailureRateLimiter(1, 4) });
    let calls = 0;
    let succeeded!: () => void;
    const done = new Promise<void>((resolve) => (succeeded = resolve));
    const workers = runWorkers(
      queue,
      2,
      async () => {
        calls++;
        if (calls < 3) throw new Error('conflict');
        succeeded();
      },
      log,
    );
    queue.add('ns/a');
    await done;
    await tick();
    expect(calls).toBe(3);
    expect(queue.numRequeues('ns/a')).toBe(0);
    queue.shutDown();
    await workers;
  });

  it('never syncs one key in two workers at once', async () => {
    const queue = new RateLimitingQueue<string>();
    const active = new Set<string>();
    let overlaps = 0;
    let syncs = 0;
    const workers = runWorkers(
      queue,
      4,
      async (key) => {
        if (active.has(key)) overlaps++;
        active.add(key);
        syncs++;
        await tick();
        active.delete(key);
      },
      log,
    );
    for (let round = 0; round < 20; round++) {
      for (const key of ['a', 'b', 'c']) queue.add(key);
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (let i = 0; i < 100 && (queue.len() > 0 || active.size > 0); i++) await tick();
    queue.shutDown();
    await workers;
    expect(overlaps).toBe(0);
    expect(syncs).toBeGreaterThanOrEqual(3);
  });

  it('stops after shutdown once in-flight syncs finish', async () => {
    const queue = new RateLimitingQueue<string>();
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    let finished = false;
    const workers = runWorkers(
      queue,
      3,
      async () => {
        await blocked;
        finished = true;
      },
      log,
    );
    queue.add('a');
    await tick();
    queue.shutDown();
    let stopped = false;
    void workers.then(() => (stopped = true));
    await tick();
    expect(stopped).toBe(false);
    release();
    await workers;
    expect(finished).toBe(true);
  });
});
