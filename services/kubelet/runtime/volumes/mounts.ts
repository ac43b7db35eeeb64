import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MOUNT_TIMEOUT_MS = 10_000;

/** Mount points from /proc/self/mountinfo (field 5, with the kernel's octal escapes undone). */
async function listMountPoints(): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => unescapeMountPath(line.split(' ')[4] ?? ''));
}

function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

export async function isMountPoint(path: string): Promise<boolean> {
  const target = resolve(path);
  return (await listMountPoints()).includes(target);
}

/** Mount points strictly below `dir`, deepest first (the order to unmount them). */
export async function mountPointsUnder(dir: string): Promise<string[]> {
  const prefix = resolve(dir) + sep;
  const below = (await listMountPoints()).filter((p) => p.startsWith(prefix));
  return [...new Set(below)].sort((a, b) => b.length - a.length);
}

/** Mounts a tmpfs (memory-backed emptyDir, the kubelet's secret store) unless one is already there. */
export async function mountTmpfs(path: string, opts: { sizeBytes?: number; mode?: number } = {}): Promise<void> {
  if (await isMountPoint(path)) return;
  const { sizeBytes, mode = 0o755 } = opts;
  const options = [`mode=0${mode.toString(8)}`, ...(sizeBytes !== undefined && sizeBytes > 0 ? [`size=${sizeBytes}`] : [])].join(',');
  await run('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', path], { timeout: MOUNT_TIMEOUT_MS });
}

export async function unmount(path: string): Promise<void> {
  await run('umount', [path], { timeout: MOUNT_TIMEOUT_MS });
}

/** Unmounts every mount below dir, deepest first; returns what is still mounted there after. */
export async function unmountAllUnder(dir: string): Promise<string[]> {
  for (const mountPoint of await mountPointsUnder(dir)) await unmount(mountPoint);
  return mountPointsUnder(dir);
}
