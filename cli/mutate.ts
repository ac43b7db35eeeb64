import { isApiError } from '../lib/api/errors.js';
import type { KubeObject } from '../lib/client/keys.js';
import type { ResourceClient } from '../lib/client/resource-client.js';
import type { DryRun } from './dry-run.js';

// Read-modify-write with compare-and-swap, as kubectl's helpers retry on conflict: read the live
// object, change a copy, update with its resourceVersion; on Conflict read again and redo.

const MAX_ATTEMPTS = 5;

interface MutateOptions {
  /** The user's --resource-version: the update must be against exactly this version (never retried). */
  resourceVersion?: string;
  /** client: the changed copy is returned and nothing is sent; server: the server checks the write and stores nothing. */
  dryRun?: DryRun;
}

/**
 * Applies `mutate` to a copy of the live object and writes it back. `mutate` returns false when
 * nothing needs to change (then nothing is written). Returns the final object and whether it changed.
 */
export async function mutateObject<T extends KubeObject>(
  client: ResourceClient<T>,
  namespace: string,
  name: string,
  mutate: (object: T) => boolean,
  opts: MutateOptions = {},
): Promise<{ object: T; changed: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const live = await client.get(namespace, name);
    const copy = structuredClone(live);
    if (!mutate(copy)) return { object: live, changed: false };
    copy.metadata ??= {};
    if (opts.resourceVersion) copy.metadata.resourceVersion = opts.resourceVersion;
    if (opts.dryRun === 'client') return { object: copy, changed: true };
    try {
      return { object: await client.update(copy, { dryRun: opts.dryRun === 'server' }), changed: true };
    } catch (err) {
      if (!isApiError(err, 'Conflict') || opts.resourceVersion || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}
