// Not imported, for the reason cli/cached-script.ts gives.
const { readdirSync, rmSync, statSync } = process.getBuiltinModule('node:fs');
const { homedir } = process.getBuiltinModule('node:os');
const { join } = process.getBuiltinModule('node:path');

// Where the built CLI keeps, for each user, the code cache of a call that reached an apiserver:
// the cache `npm run build` leaves beside the bundle holds only what a call compiles before it
// connects, and the bundle's directory may not be writable once installed. V8 refuses a cache made
// by another node or with other V8 flags, so those are part of the name: a user who alternates two
// nodes keeps one cache for each instead of replacing one with the other on every call.

/** Caches kept per user; older ones (earlier builds, earlier nodes) are removed when one is written. */
export const USER_CODE_CACHES_KEPT = 4;

/** `$XDG_CACHE_HOME/kubets` (default `~/.cache/kubets`), as the XDG base directory rules place per-user caches. */
export function userCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  const base = env.XDG_CACHE_HOME?.startsWith('/') ? env.XDG_CACHE_HOME : join(env.HOME || homedir(), '.cache');
  return join(base, 'kubets');
}

/** The file holding this user's cache of the bundle named `bundle` (`kubets-<hash>`), for this node and its flags. */
export function userCodeCacheFile(bundle: string, env: Readonly<Record<string, string | undefined>>, node: { version: string; flags: readonly string[] }): string {
  return join(userCacheDir(env), `${bundle}-node${node.version.replace(/^v/, '')}-${fnv1a(node.flags.join('\0'))}.cache`);
}

/** A short, stable digest of the flags; node:crypto would cost more to load than the whole name is worth. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

/** Removes all but the newest USER_CODE_CACHES_KEPT caches in `dir` (best effort). */
export function pruneUserCodeCaches(dir: string): void {
  try {
    const caches = readdirSync(dir)
      .filter((name) => /^kubets-.*\.cache$/.test(name))
      .map((name) => ({ path: join(dir, name), mtime: statSync(join(dir, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const old of caches.slice(USER_CODE_CACHES_KEPT)) rmSync(old.path, { force: true });
  } catch {
    // Another call pruning at the same time, or no such directory: the next write tries again.
  }
}
