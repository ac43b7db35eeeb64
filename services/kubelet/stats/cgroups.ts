import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';

// A container's CPU and memory as its cgroups count them, read straight from the cgroup
// filesystem: no engine call per sample. Both layouts are handled: cgroup v1 (one hierarchy per
// controller, Docker's cgroupfs driver puts a container in `<controller>/docker/<id>` or under the
// engine's --cgroup-parent) and cgroup v2 (one unified tree). Where a container sits is read once
// from /proc/<pid>/cgroup of its main process, which is right for every driver and parent.

export interface CgroupPaths {
  /** `/sys/fs/cgroup` normally; tests point it at fixture files. */
  cgroupRoot: string;
  /** `/proc` normally. */
  procRoot: string;
}

export const HOST_PATHS: CgroupPaths = { cgroupRoot: '/sys/fs/cgroup', procRoot: '/proc' };

/** Where one container's counters are. */
export type CgroupLocation = { version: 1; cpuDir: string; memoryDir: string } | { version: 2; dir: string };

export interface CgroupUsage {
  /** Cumulative CPU time, nanoseconds. */
  cpuUsageNanos: number;
  /** Memory in use minus inactive file pages (what the kernel can drop), bytes: Kubernetes' working set. */
  memoryWorkingSetBytes: number;
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * The cgroup directories of the process `pid`, from its /proc/<pid>/cgroup lines
 * (`hierarchy:controllers:path`). A v1 controller is mounted under its controller list
 * (`cpu,cpuacct`, or `cpuacct` alone); a v2 tree has the single line `0::path`.
 */
export async function locateCgroup(paths: CgroupPaths, pid: number): Promise<CgroupLocation> {
  const text = await readFile(join(paths.procRoot, String(pid), 'cgroup'), 'utf8');
  let cpuDir: string | undefined;
  let memoryDir: string | undefined;
  let unified: string | undefined;
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second);
    const path = line.slice(second + 1);
    const names = controllers.split(',');
    if (controllers === '' && line.slice(0, first) === '0') unified = join(paths.cgroupRoot, path);
    if (names.includes('cpuacct')) cpuDir = join(paths.cgroupRoot, controllers, path);
    if (names.includes('memory')) memoryDir = join(paths.cgroupRoot, controllers, path);
  }
  if (cpuDir && memoryDir) return { version: 1, cpuDir, memoryDir };
  if (unified && (await exists(join(unified, 'cpu.stat')))) return { version: 2, dir: unified };
  throw new Error(`no cpuacct and memory cgroups for process ${pid}`);
}

/** `key value` lines (memory.stat, cpu.stat) into numbers. */
export function parseFlatKeyed(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined) values.set(key, Number(value));
  }
  return values;
}

const readNumber = async (path: string): Promise<number> => Number((await readFile(path, 'utf8')).trim());

const workingSet = (usage: number, inactiveFile: number | undefined): number => Math.max(0, usage - (inactiveFile ?? 0));

/** The counters of one container now; throws when its cgroup is gone (the container ended). */
export async function readCgroupUsage(location: CgroupLocation): Promise<CgroupUsage> {
  if (location.version === 1) {
    const [cpu, memory, memoryStat] = await Promise.all([
      readNumber(join(location.cpuDir, 'cpuacct.usage')),
      readNumber(join(location.memoryDir, 'memory.usage_in_bytes')),
      readFile(join(location.memoryDir, 'memory.stat'), 'utf8'),
    ]);
    return { cpuUsageNanos: cpu, memoryWorkingSetBytes: workingSet(memory, parseFlatKeyed(memoryStat).get('total_inactive_file')) };
  }
  const [cpuStat, memory, memoryStat] = await Promise.all([
    readFile(join(location.dir, 'cpu.stat'), 'utf8'),
    readNumber(join(location.dir, 'memory.current')),
    readFile(join(location.dir, 'memory.stat'), 'utf8'),
  ]);
  return {
    cpuUsageNanos: (parseFlatKeyed(cpuStat).get('usage_usec') ?? 0) * 1000,
    memoryWorkingSetBytes: workingSet(memory, parseFlatKeyed(memoryStat).get('inactive_file')),
  };
}
