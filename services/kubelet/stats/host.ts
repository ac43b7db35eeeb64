import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CgroupPaths, CgroupUsage } from './cgroups.js';

/** /proc/stat counts CPU time in USER_HZ ticks, 100 a second on every Linux architecture Node runs on. */
const NANOS_PER_TICK = 1e9 / 100;

/** CPU time the whole machine spent busy (all but idle and iowait), from /proc/stat's `cpu` line. */
export function parseProcStatCpu(text: string): number {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no cpu line');
  // user nice system idle iowait irq softirq steal (guest time is already inside user and nice).
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const busy = ticks.reduce((sum, n, i) => (i === 3 || i === 4 ? sum : sum + n), 0);
  return busy * NANOS_PER_TICK;
}

/** Memory in use as the kernel sees it: MemTotal minus MemAvailable, from /proc/meminfo (kB). */
export function parseMeminfoWorkingSet(text: string): number {
  const kb = (key: string): number => {
    const m = new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text);
    if (!m) throw new Error(`/proc/meminfo has no ${key}`);
    return Number(m[1]) * 1024;
  };
  return Math.max(0, kb('MemTotal') - kb('MemAvailable'));
}

/** The node's counters now, in the same terms as a container's. */
export async function readHostUsage(paths: CgroupPaths): Promise<CgroupUsage> {
  const [stat, meminfo] = await Promise.all([readFile(join(paths.procRoot, 'stat'), 'utf8'), readFile(join(paths.procRoot, 'meminfo'), 'utf8')]);
  return { cpuUsageNanos: parseProcStatCpu(stat), memoryWorkingSetBytes: parseMeminfoWorkingSet(meminfo) };
}
