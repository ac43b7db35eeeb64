import type { CgroupUsage } from './cgroups.js';

/** One reading of a cumulative CPU counter and the memory working set, at `at` (epoch ms). */
export interface Sample extends CgroupUsage {
  at: number;
}

/**
 * CPU use between two samples in nanocores (billionths of a core): CPU nanoseconds per wall-clock
 * second. Undefined when the counter went back (the cgroup was made anew) or no time passed.
 */
export function cpuNanoCores(previous: Sample, latest: Sample): number | undefined {
  const seconds = (latest.at - previous.at) / 1000;
  const used = latest.cpuUsageNanos - previous.cpuUsageNanos;
  if (seconds <= 0 || used < 0) return undefined;
  return Math.round(used / seconds);
}
