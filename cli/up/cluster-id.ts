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
  const file = join(dataDir, 'cluster-id');
  if (existsSync(file)) {
    const id = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{6}$/.test(id)) return id;
  }
  const id = randomBytes(3).toString('hex');
  await writeFileAtomic(file, `${id}\n`, { mode: 0o644 });
  return id;
}
