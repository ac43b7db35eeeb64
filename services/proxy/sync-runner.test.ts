import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SyncRunner } from './sync-runner.js';

const log = pino({ level: 'silent' });

describe('SyncRunner', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('coalesces a burst of requests into runs at most once per minimum interval', async () => {
    const starts: number[] = [];
    const runner = new SyncRunner(async () => void starts.push(Date.now()), { minIntervalMs: 1000, periodMs: 60_000, log });
    const t0 = Date.now();
    runner.request();
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 50; i++) {
      runner.request();
      await vi.advanceTimersByTimeAsync(20);
    }
    await vi.advanceTimersByTimeAsync(1000);
    expect(starts.map((s) => s - t0)).toEqual([0, 1000]);
    await runner.stop();
  });

  it('runs every period without requests', async () => {
    let runs = 0;
    const runner = new SyncRunner(async () => void runs++, { minIntervalMs: 1000, periodMs: 30_000, log });
    runner.request();
    await vi.advanceTimersByTimeAsync(90_500);
    expect(runs).toBe(4);
    await runner.stop();
  });

  it('retries a failed run with backoff, and sync() reports the outcome of a run started after it', async () => {
    let fail = true;
    let runs = 0;
    const runner = new SyncRunner(
      async () => {
        runs++;
        if (fail) throw new Error('iptables-restore failed');
      },
      { minIntervalMs: 100, periodMs: 30_000, retryInitialMs: 500, log },
    );
    const first = runner.sync();
    const firstResult = first.then(() => 'ok', (err: Error) => err.message);
    await vi.advanceTimersByTimeAsync(0);
    expect(await firstResult).toBe('iptables-restore failed');
    fail = false;
    const second = runner.sync();
    await vi.advanceTimersByTimeAsync(1000);
    await expect(second).resolves.toBeUndefined();
    expect(runs).toBe(2);
    await runner.stop();
  });

  it('does not overlap runs: a request during a run waits for it', async () => {
    let active = 0;
    let maxActive = 0;
    const runner = new SyncRunner(
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 2000));
        active--;
      },
      { minIntervalMs: 100, periodMs: 60_000, log },
    );
    runner.request();
    await vi.advanceTimersByTimeAsync(500);
    const done = runner.sync();
    await vi.advanceTimersByTimeAsync(5000);
    await done;
    expect(maxActive).toBe(1);
    await runner.stop();
  });
});
