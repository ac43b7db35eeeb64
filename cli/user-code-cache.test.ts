import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pruneUserCodeCaches, USER_CODE_CACHES_KEPT, userCacheDir, userCodeCacheFile } from './user-code-cache.js';

describe('the per-user code cache', () => {
  it('lives in the XDG cache directory, by default under the home directory', () => {
    expect(userCacheDir({ XDG_CACHE_HOME: '/var/cache/me', HOME: '/home/me' })).toBe('/var/cache/me/kubets');
    expect(userCacheDir({ HOME: '/home/me' })).toBe('/home/me/.cache/kubets');
    // The XDG rules ignore a relative path.
    expect(userCacheDir({ XDG_CACHE_HOME: 'cache', HOME: '/home/me' })).toBe('/home/me/.cache/kubets');
  });

  it('is named by the bundle, the node version and the flags, each of which V8 checks', () => {
    const env = { HOME: '/home/me' };
    const plain = userCodeCacheFile('kubets-0123abcd', env, { version: 'v20.20.2', flags: [] });
    expect(plain).toMatch(/^\/home\/me\/\.cache\/kubets\/kubets-0123abcd-node20\.20\.2-[0-9a-f]{8}\.cache$/);
    expect(userCodeCacheFile('kubets-0123abcd', env, { version: 'v20.20.2', flags: [] })).toBe(plain);
    expect(userCodeCacheFile('kubets-0123abcd', env, { version: 'v20.20.2', flags: ['--max-semi-space-size=16'] })).not.toBe(plain);
    expect(userCodeCacheFile('kubets-0123abcd', env, { version: 'v22.1.0', flags: [] })).not.toBe(plain);
    expect(userCodeCacheFile('kubets-4567ef01', env, { version: 'v20.20.2', flags: [] })).not.toBe(plain);
  });

  it('keeps the newest caches and removes the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubets-user-cache-'));
    try {
      const names = Array.from({ length: USER_CODE_CACHES_KEPT + 2 }, (_, i) => `kubets-${i}-node20-00000000.cache`);
      names.forEach((name, i) => {
        writeFileSync(join(dir, name), 'x');
        utimesSync(join(dir, name), 1_000 + i, 1_000 + i);
      });
      writeFileSync(join(dir, 'unrelated'), 'x');
      pruneUserCodeCaches(dir);
      expect(readdirSync(dir).sort()).toEqual([...names.slice(2), 'unrelated'].sort());
      expect(() => pruneUserCodeCaches(join(dir, 'missing'))).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
