import { lstat, mkdir, readdir, readFile, readlink, rename, rm, stat, symlink, unlink, writeFile, chmod } from 'node:fs/promises';
import { dirname, join, normalize, isAbsolute } from 'node:path';

/**
 * Kubernetes' AtomicWriter for configMap, secret and downward API volumes: the files live in a
 * fresh timestamped directory, `..data` is a symlink to it, and each visible top-level name is a
 * symlink through `..data`. Swapping `..data` with a rename updates every file at once, so a
 * reader never sees half an update.
 */
export interface FileProjection {
  data: Buffer;
  mode: number;
}

class VolumePathError extends Error {
  override readonly name = 'VolumePathError';
}

const DATA_DIR = '..data';
const DATA_DIR_TMP = '..data_tmp';

/** Relative, no `..` element, not starting with `..` (the writer's own names). */
export function validatePayloadPath(path: string): void {
  if (path === '') throw new VolumePathError('invalid path: must not be empty');
  if (isAbsolute(path)) throw new VolumePathError(`invalid path: must be relative path: ${path}`);
  if (path.split('/').includes('..')) throw new VolumePathError(`invalid path: must not contain '..': ${path}`);
  if (path.startsWith('..')) throw new VolumePathError(`invalid path: must not start with '..': ${path}`);
}

/** Writes `payload` (relative path → content) into `dir`; a no-op when nothing changed. */
export async function writeAtomically(dir: string, payload: Map<string, FileProjection>): Promise<boolean> {
  for (const path of payload.keys()) validatePayloadPath(path);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const current = await readCurrentTarget(dir);
  if (current && (await payloadMatches(join(dir, current), payload))) return false;

  const stamp = `..${new Date().toISOString().replace(/[-:.]/g, '_')}.${process.pid}${Math.random().toString(36).slice(2, 8)}`;
  const target = join(dir, stamp);
  await mkdir(target, { mode: 0o755 });
  for (const [path, file] of payload) {
    const full = join(target, normalize(path));
    await mkdir(dirname(full), { recursive: true, mode: 0o755 });
    await writeFile(full, file.data);
    await chmod(full, file.mode);
  }
  await rm(join(dir, DATA_DIR_TMP), { force: true });
  await symlink(stamp, join(dir, DATA_DIR_TMP));
  await rename(join(dir, DATA_DIR_TMP), join(dir, DATA_DIR));

  const wanted = new Set([...payload.keys()].map((p) => normalize(p).split('/')[0] as string));
  for (const name of wanted) {
    const link = join(dir, name);
    const existing = await lstat(link).catch(() => undefined);
    if (existing?.isSymbolicLink()) continue;
    if (existing) await rm(link, { recursive: true, force: true });
    await symlink(join(DATA_DIR, name), link);
  }
  for (const entry of await readdir(dir)) {
    if (entry.startsWith('..')) {
      if (entry !== DATA_DIR && entry !== stamp) await rm(join(dir, entry), { recursive: true, force: true });
    } else if (!wanted.has(entry)) {
      await unlink(join(dir, entry)).catch(() => rm(join(dir, entry), { recursive: true, force: true }));
    }
  }
  return true;
}

async function readCurrentTarget(dir: string): Promise<string | undefined> {
  try {
    return await readlink(join(dir, DATA_DIR));
  } catch {
    return undefined;
  }
}

async function payloadMatches(target: string, payload: Map<string, FileProjection>): Promise<boolean> {
  const existing = await listFiles(target).catch(() => undefined);
  if (!existing || existing.length !== payload.size) return false;
  for (const [path, file] of payload) {
    const full = join(target, normalize(path));
    const info = await stat(full).catch(() => undefined);
    if (!info || (info.mode & 0o7777) !== file.mode) return false;
    const data = await readFile(full).catch(() => undefined);
    if (!data || !data.equals(file.data)) return false;
  }
  return true;
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out;
}
