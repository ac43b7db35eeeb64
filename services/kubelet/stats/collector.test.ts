import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RuntimePod } from '../runtime/types.js';
import type { CgroupPaths } from './cgroups.js';
import { StatsCollector } from './collector.js';

let root: string;
let paths: CgroupPaths;
let clock: number;

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

/** A container `id` whose main process is `pid`, with `cpuNanos` of CPU used so far and `memory` bytes in use. */
async function container(id: string, pid: number, cpuNanos: number, memory: number): Promise<void> {
  await put(`proc/${pid}/cgroup`, `4:cpuacct:/docker/${id}\n6:memory:/docker/${id}\n`);
  await put(`sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`, String(cpuNanos));
  await put(`sys/fs/cgroup/memory/docker/${id}/memory.usage_in_bytes`, String(memory));
  await put(`sys/fs/cgroup/memory/docker/${id}/memory.stat`, 'total_inactive_file 0\n');
}

async function node(busyTicks: number): Promise<void> {
  await put('proc/stat', `cpu  ${busyTicks} 0 0 1000 0 0 0 0 0 0\n`);
  await put('proc/meminfo', 'MemTotal: 4096 kB\nMemAvailable: 1024 kB\n');
}

const pod = (name: string, containers: RuntimePod['containers']): RuntimePod => ({ uid: `uid-${name}`, name, namespace: 'default', containers });
const running = (id: string, name: string, sandbox = false) => ({ id, name, state: 'running' as const, createdAt: 0, restartCount: 0, sandbox });

describe('StatsCollector', () => {
  let pods: RuntimePod[];
  let pidLookups: string[];
  let collector: StatsCollector;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kubets-stats-'));
    paths = { cgroupRoot: join(root, 'sys/fs/cgroup'), procRoot: join(root, 'proc') };
    clock = 1_000_000;
    pidLookups = [];
    const pids: Record<string, number> = { web: 10, side: 11, pause: 12 };
    pods = [pod('web', [running('pause', 'POD', true), running('web', 'app'), running('side', 'sidecar')])];
    collector = new StatsCollector({
      nodeName: 'n1',
      intervalMs: 10_000,
      paths,
      now: () => clock,
      runtime: {
        listPods: async () => pods,
        containerPid: async (id) => {
          pidLookups.push(id);
          return pids[id];
        },
      },
    });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('reports nothing until two samples make a window', async () => {
    await node(100);
    await container('web', 10, 0, 1000);
    await container('side', 11, 0, 2000);
    await collector.sample();
    expect(collector.summary()).toEqual({ nodeName: 'n1', windowSeconds: 0, pods: [] });
  });

  it('reports rates over the window between the last two samples, app containers only', async () => {
    await node(100);
    await container('web', 10, 0, 1000);
    await container('side', 11, 0, 2000);
    await collector.sample();
    clock += 10_000;
    await node(300);
    await container('web', 10, 2e9, 3000);
    await container('side', 11, 1e8, 2000);
    await collector.sample();
    expect(collector.summary()).toEqual({
      nodeName: 'n1',
      timestamp: new Date(clock).toISOString().replace(/\.\d+Z$/, 'Z'),
      windowSeconds: 10,
      // 200 ticks of 10 ms in 10 s: 0.2 cores.
      nodeCpuNanoCores: 200_000_000,
      nodeMemoryWorkingSetBytes: 3 * 1024 * 1024,
      pods: [
        {
          namespace: 'default',
          name: 'web',
          uid: 'uid-web',
          containers: [
            { name: 'app', cpuNanoCores: 200_000_000, memoryWorkingSetBytes: 3000 },
            { name: 'sidecar', cpuNanoCores: 10_000_000, memoryWorkingSetBytes: 2000 },
          ],
        },
      ],
    });
    // The runtime is asked where a container lives once, never at every sample; never for the sandbox.
    expect(pidLookups.sort()).toEqual(['side', 'web']);
  });

  it('forgets containers that are no longer running', async () => {
    await node(100);
    await container('web', 10, 0, 1000);
    await container('side', 11, 0, 2000);
    await collector.sample();
    clock += 10_000;
    pods = [pod('web', [running('web', 'app'), { ...running('side', 'sidecar'), state: 'exited' }])];
    await collector.sample();
    expect(collector.summary().pods?.[0]?.containers?.map((c) => c.name)).toEqual(['app']);
  });
});
