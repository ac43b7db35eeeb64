import { describe, expect, it } from 'vitest';
import { Backoff, sleep } from './backoff.js';

describe('Backoff', () => {
  it('doubles up to the cap and starts over after reset', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000]);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('stretches delays by at most the jitter fraction, never past the cap', () => {
    const high = new Backoff({ initialMs: 100, maxMs: 150, jitter: 0.5, random: () => 0.999 });
    expect(high.next()).toBe(150);
    const mid = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0.5, random: () => 0.5 });
    expect(mid.next()).toBe(125);
  });
});

describe('sleep', () => {
  it('ends early when the signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    // An hour's sleep that must end with the abort, long before the test's own timeout.
    await sleep(3_600_000, controller.signal);
    expect(controller.signal.aborted).toBe(true);
  });
});
