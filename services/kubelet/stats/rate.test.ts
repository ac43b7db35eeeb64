import { describe, expect, it } from 'vitest';
import { cpuNanoCores } from './rate.js';

const sample = (at: number, cpuUsageNanos: number) => ({ at, cpuUsageNanos, memoryWorkingSetBytes: 0 });

describe('cpuNanoCores', () => {
  it('is CPU nanoseconds per second of the window', () => {
    // Half a core for 10 s: 5e9 ns of CPU.
    expect(cpuNanoCores(sample(0, 1e9), sample(10_000, 6e9))).toBe(500_000_000);
  });

  it('is 0 for an idle container', () => {
    expect(cpuNanoCores(sample(0, 7), sample(5_000, 7))).toBe(0);
  });

  it('is undefined when the counter went back (a new cgroup) or no time passed', () => {
    expect(cpuNanoCores(sample(0, 9e9), sample(10_000, 1e9))).toBeUndefined();
    expect(cpuNanoCores(sample(10_000, 1), sample(10_000, 2))).toBeUndefined();
  });
});
