import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The built CLI keeps a code cache per user, in $XDG_CACHE_HOME/kubets (~/.cache/kubets), after
// every call that reached an apiserver, and reads (or discards) it on every start, daemons
// included. Test runs and benchmarks run the CLI many times; they give it a cache home of their
// own, so that the user's is left as they found it.

/**
 * Points XDG_CACHE_HOME at a new temporary directory for this process and every process it starts
 * from now on with its environment; returns the function that removes the directory.
 */
export function privateCacheHome(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kubets-cache-home-'));
  process.env.XDG_CACHE_HOME = dir;
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
