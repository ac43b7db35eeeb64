import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds } from '../harness/stats.js';

/** A process of this machine, as /proc shows it. */
export interface Proc {
  pid: number;
  ppid: number;
  cmd: string;
}

export function processes(): Proc[] {
  const procs: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1] ?? 0);
      procs.push({ pid: Number(entry), ppid, cmd });
    } catch {
      // gone meanwhile
    }
  }
  return procs;
}

/** The kubelet process of a node, found by its command line. */
export function kubeletOf(procs: Proc[], nodeName: string): Proc | undefined {
  const nameFlag = new RegExp(`--node-name[ =]${nodeName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( |$)`);
  return procs.find((p) => p.cmd.includes(' kubelet ') && nameFlag.test(p.cmd));
}

/**
 * CPU-seconds the kubelets of these nodes have used so far, the helper processes they waited for
 * (mount, umount) included; a kubelet not found counts 0.
 */
export function kubeletsCpuSeconds(nodeNames: Iterable<string>): number {
  const procs = processes();
  let total = 0;
  for (const name of nodeNames) {
    const kubelet = kubeletOf(procs, name);
    if (!kubelet) continue;
    try {
      total += cpuSeconds(kubelet.pid, { children: true });
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** The parts of a `kubets up` cluster whose CPU is counted apart. */
const COMPONENTS = ['etcd', 'apiserver', 'controller-manager', 'scheduler', 'kubelet', 'proxy'] as const;
/** The namespaced nodes' engines (dockerd, its containerd, the containers' shims); the host's engine is shared with everything else on the machine. */
const NODE_ENGINES = 'node-engines';
export type CpuPart = (typeof COMPONENTS)[number] | typeof NODE_ENGINES;

/**
 * CPU-seconds used so far by each part of the cluster on `dataDir` (processes found by the data
 * dir or the cluster's /run/kubets/<id> path on their command line), with the children they waited
 * for (mounts, runc under a shim). Processes gone already no longer count: compare two readings
 * taken while the same containers run.
 */
export function clusterCpuSeconds(dataDir: string, clusterId: string): Record<CpuPart, number> {
  const runDir = `/run/kubets/${clusterId}/`;
  const totals = Object.fromEntries([...COMPONENTS, NODE_ENGINES].map((part) => [part, 0])) as Record<CpuPart, number>;
  for (const proc of processes()) {
    const part = cpuPartOf(proc.cmd, dataDir, runDir);
    if (!part) continue;
    try {
      totals[part] += cpuSeconds(proc.pid, { children: true });
    } catch {
      // gone meanwhile
    }
  }
  return totals;
}

function cpuPartOf(cmd: string, dataDir: string, runDir: string): CpuPart | undefined {
  if (cmd.includes(runDir) && /^(\S*\/)?(dockerd|containerd|containerd-shim-runc-v2) /.test(cmd)) return NODE_ENGINES;
  if (!cmd.includes(dataDir)) return undefined;
  if (/^(\S*\/)?etcd /.test(cmd)) return 'etcd';
  return COMPONENTS.find((c) => c !== 'etcd' && cmd.includes(` ${c} `));
}

/** b − a per part, rounded to 10 ms. */
export function cpuDelta(a: Record<CpuPart, number>, b: Record<CpuPart, number>): Record<CpuPart, number> {
  return Object.fromEntries(Object.entries(b).map(([part, sec]) => [part, Math.round((sec - a[part as CpuPart]) * 100) / 100])) as Record<CpuPart, number>;
}
