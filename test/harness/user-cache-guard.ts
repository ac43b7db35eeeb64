import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { userCacheDir } from '../../cli/user-code-cache.js';
import { projectRoot } from '../../lib/paths.js';
import { privateCacheHome } from './cache-home.js';

// A test run leaves the user's code cache of the CLI (test/harness/cache-home.ts) as it found it:
// before any test starts, XDG_CACHE_HOME points at a directory of the run's own, which every test
// process and every CLI it starts inherits (a test that gives a CLI an environment of its own
// names its own directory), removed at the end. The end also checks that nothing was written into
// the user's cache meanwhile, so that a CLI run without the inherited environment fails the run
// instead of going unnoticed.

/** The names of this checkout's built CLI bundles (`kubets-<hash>`), which name its caches. */
function builtBundles(): string[] {
  try {
    return readdirSync(join(projectRoot, 'dist/cli')).flatMap((name) => /^(kubets-[0-9a-f]+)\.cjs$/.exec(name)?.[1] ?? []);
  } catch {
    return [];
  }
}

/**
 * The user's caches of this checkout's CLI, by name with their modification times. Caches of other
 * builds are left out: the user (or another checkout's test run) may be running those meanwhile.
 */
function userCaches(dir: string, bundles: readonly string[]): Map<string, number> {
  try {
    const ours = readdirSync(dir).filter((name) => name.endsWith('.cache') && bundles.some((bundle) => name.startsWith(`${bundle}-`)));
    return new Map(ours.map((name) => [name, statSync(join(dir, name)).mtimeMs]));
  } catch {
    return new Map();
  }
}

/** Caches written since `before` was taken: new ones and rewritten ones. */
export function writtenSince(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): string[] {
  return [...after].filter(([name, mtime]) => before.get(name) !== mtime).map(([name]) => name);
}

/** Set once the run's guard is in place: every project of a run runs the global setup again, in the same process. */
const GUARDED = 'KUBETS_TEST_RUN_CACHE_HOME';

/** vitest's global setup: runs before the run; the function it returns runs after it. */
export default function guardUserCache(): () => void {
  if (process.env[GUARDED]) return () => undefined;
  const userDir = userCacheDir(process.env);
  const bundles = builtBundles();
  const before = userCaches(userDir, bundles);
  const runCacheHome = privateCacheHome();
  process.env[GUARDED] = runCacheHome.dir;
  return () => {
    runCacheHome.remove();
    delete process.env[GUARDED];
    const written = writtenSince(before, userCaches(userDir, bundles));
    if (written.length > 0) {
      throw new Error(`the test run wrote into the user's code cache ${userDir}: ${written.join(', ')}; a test that runs the built CLI must give it a cache home of its own (XDG_CACHE_HOME or HOME in a temporary directory)`);
    }
  };
}
