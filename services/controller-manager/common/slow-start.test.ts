import { describe, expect, it } from 'vitest';
import { slowStartBatch } from './slow-start.js';

describe('slowStartBatch', () => {
  it('runs everything in batches of 1, 2, 4, ... when all calls succeed', async () => {
    let inFlight = 0;
    const batches: number[] = [];
    let calls = 0;
    const result = await slowStartBatch(10, 1, async () => {
      calls++;
      inFlight++;
      if (batches.length === 0 || inFlight === 1) batches.push(0);
      batches[batches.length - 1]!++;
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
    });
    expect(result).toEqual({ successes: 10 });
    expect(calls).toBe(10);
    expect(batches).toEqual([1, 2, 4, 3]);
  });

  it('stops after the first batch with a failure', async () => {
    let calls = 0;
    const result = await slowStartBatch(100, 1, async () => {
      calls++;
      if (calls > 3) throw new Error('quota');
    });
    // 1 + 2 succeed, the batch of 4 fails: nothing after it.
    expect(calls).toBe(7);
    expect(result.successes).toBe(3);
    expect((result.error as Error).message).toBe('quota');
  });

  it('does nothing for zero', async () => {
    expect(await slowStartBatch(0, 1, async () => undefined)).toEqual({ successes: 0 });
  });
});
