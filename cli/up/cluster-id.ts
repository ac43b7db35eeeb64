import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/**
 * The identity of a local cluster: six hex digits kept in its data directory. Everything the
 * cluster makes on the host (namespaces, bridge, veths, engine directories) carries it, so two
 * clusters never share one and `down` removes only its own.
 */
export async function ensureClusterId(dataDir: string): Promise<string> {
  const existing = readClusterId(dataDir);
  if (existing) return existing;
  const file = join(dataDir, 'cluster-id');
  const id = randomBytes(3).toString('hex');
  await writeFileAtomic(file, `${id}\n`, { mode: 0o644 });
  return id;
}

/** The data directory's cluster ID, if a cluster was ever started from it. */
export function readClusterId(dataDir: string): string | undefined {
  const file = join(dataDir, 'cluster-id');
  if (!existsSync(file)) return undefined;
  const id = readFileSync(file, 'utf8').trim();
  return /^[0-9a-f]{6}$/.test(id) ? id : undefined;
}
