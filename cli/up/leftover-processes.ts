import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { isRunning } from './wait-for.js';

/**
 * Processes whose command line names the data directory or a path inside it: a cluster's own
 * components, registry and add-ons. Normally `kubets up` stops them itself; when it was killed
 * without the chance (SIGKILL, a crash), they live on and would hold the cluster's ports. The caller
 * and its ancestors are left out, since the command that asked (`kubets down --data-dir X`, a shell
 * running it) names the directory too, and so are processes in containers (another mount namespace):
 * workloads are `down`'s to remove through their engine, or to keep with --keep-workloads.
 */
export function processesUsing(dataDir: string, procRoot = '/proc'): number[] {
  const dir = resolve(dataDir);
  const spared = ancestry(process.pid, procRoot);
  const ownMounts = mountNamespace(procRoot, process.pid);
  const found: number[] = [];
  for (const entry of readdirSync(procRoot)) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || spared.has(pid) || mountNamespace(procRoot, pid) !== ownMounts) continue;
    const args = readProc(procRoot, pid, 'cmdline')?.split('\0') ?? [];
    if (args.some((arg) => namesPathIn(arg, dir))) found.push(pid);
  }
  return found;
}

/** SIGTERM to each, SIGKILL to those still there after the grace period; resolves with how many there were. */
export async function stopProcessesUsing(dataDir: string, graceMs = 10_000): Promise<number> {
  const pids = processesUsing(dataDir);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(isRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids.filter(isRunning)) signal(pid, 'SIGKILL');
  return pids.length;
}

function namesPathIn(arg: string, dir: string): boolean {
  const value = arg.startsWith('--') && arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : arg;
  return value === dir || value.startsWith(`${dir}/`);
}

function ancestry(pid: number, procRoot: string): Set<number> {
  const chain = new Set<number>();
  for (let current = pid; current > 1 && !chain.has(current); ) {
    chain.add(current);
    // stat is "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    const stat = readProc(procRoot, current, 'stat');
    current = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : 0;
  }
  return chain;
}

function mountNamespace(procRoot: string, pid: number): string | undefined {
  try {
    return readlinkSync(`${procRoot}/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

function readProc(procRoot: string, pid: number, file: string): string | undefined {
  try {
    return readFileSync(`${procRoot}/${pid}/${file}`, 'utf8');
  } catch {
    return undefined; // the process ended while we looked
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
