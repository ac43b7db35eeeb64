import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { locateCgroup, parseFlatKeyed, readCgroupUsage, type CgroupPaths } from './cgroups.js';
import { parseMeminfoWorkingSet, parseProcStatCpu, readHostUsage } from './host.js';

let root: string;
let paths: CgroupPaths;

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'kubets-cgroups-'));
  paths = { cgroupRoot: join(root, 'sys/fs/cgroup'), procRoot: join(root, 'proc') };
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('cgroup v1 (Docker cgroupfs driver)', () => {
  beforeEach(async () => {
    await put('proc/42/cgroup', ['12:pids:/docker/abc', '4:cpuacct:/docker/abc', '3:cpu:/docker/abc', '6:memory:/docker/abc', '1:name=systemd:/docker/abc', ''].join('\n'));
    await put('sys/fs/cgroup/cpuacct/docker/abc/cpuacct.usage', '1500000000\n');
    await put('sys/fs/cgroup/memory/docker/abc/memory.usage_in_bytes', '10485760\n');
    await put('sys/fs/cgroup/memory/docker/abc/memory.stat', 'cache 4096\ninactive_file 999\ntotal_inactive_file 2097152\n');
  });

  it('finds the cpuacct and memory directories from /proc/<pid>/cgroup', async () => {
    expect(await locateCgroup(paths, 42)).toEqual({
      version: 1,
      cpuDir: join(paths.cgroupRoot, 'cpuacct/docker/abc'),
      memoryDir: join(paths.cgroupRoot, 'memory/docker/abc'),
    });
  });

  it('reads cumulative CPU and the working set (usage minus total_inactive_file)', async () => {
    expect(await readCgroupUsage(await locateCgroup(paths, 42))).toEqual({ cpuUsageNanos: 1_500_000_000, memoryWorkingSetBytes: 8 * 1024 * 1024 });
  });

  it('follows a combined cpu,cpuacct hierarchy under a custom parent', async () => {
    await put('proc/7/cgroup', '4:cpu,cpuacct:/kubets-node-2/def\n6:memory:/kubets-node-2/def\n');
    const location = await locateCgroup(paths, 7);
    expect(location).toMatchObject({ cpuDir: join(paths.cgroupRoot, 'cpu,cpuacct/kubets-node-2/def') });
  });
});

describe('cgroup v2', () => {
  it('reads usage_usec, memory.current and inactive_file from the unified tree', async () => {
    await put('proc/9/cgroup', '0::/system.slice/docker-abc.scope\n');
    await put('sys/fs/cgroup/system.slice/docker-abc.scope/cpu.stat', 'usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n');
    await put('sys/fs/cgroup/system.slice/docker-abc.scope/memory.current', '5000\n');
    await put('sys/fs/cgroup/system.slice/docker-abc.scope/memory.stat', 'anon 3000\ninactive_file 6000\n');
    const location = await locateCgroup(paths, 9);
    expect(location).toEqual({ version: 2, dir: join(paths.cgroupRoot, 'system.slice/docker-abc.scope') });
    // Inactive file pages above the usage leave a working set of 0, never a negative one.
    expect(await readCgroupUsage(location)).toEqual({ cpuUsageNanos: 2_500_000, memoryWorkingSetBytes: 0 });
  });
});

describe('locating and reading failures', () => {
  it('refuses a process with neither layout', async () => {
    await put('proc/5/cgroup', '1:name=systemd:/x\n');
    await expect(locateCgroup(paths, 5)).rejects.toThrow('no cpuacct and memory cgroups for process 5');
  });

  it('fails a read once the cgroup is gone', async () => {
    await expect(readCgroupUsage({ version: 1, cpuDir: join(root, 'gone'), memoryDir: join(root, 'gone') })).rejects.toThrow();
  });
});

describe('the node from /proc', () => {
  it('counts busy CPU ticks (not idle or iowait) in nanoseconds', () => {
    expect(parseProcStatCpu('cpu  100 20 30 1000 50 5 5 2 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n')).toBe(162 * 10_000_000);
  });

  it('takes MemTotal minus MemAvailable as the working set', () => {
    expect(parseMeminfoWorkingSet('MemTotal:        4000 kB\nMemFree:  100 kB\nMemAvailable:    1000 kB\n')).toBe(3000 * 1024);
  });

  it('reads both files under the proc root', async () => {
    await put('proc/stat', 'cpu  1 0 1 10 0 0 0 0 0 0\n');
    await put('proc/meminfo', 'MemTotal: 2048 kB\nMemAvailable: 1024 kB\n');
    expect(await readHostUsage(paths)).toEqual({ cpuUsageNanos: 20_000_000, memoryWorkingSetBytes: 1024 * 1024 });
  });

  it('parses flat keyed files, ignoring blank lines', () => {
    expect(parseFlatKeyed('a 1\n\nb 2\n')).toEqual(new Map([['a', 1], ['b', 2]]));
  });
});
