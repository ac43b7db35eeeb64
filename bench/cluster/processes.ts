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
