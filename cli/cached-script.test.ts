import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCommonJS } from './cached-script.js';

describe('loading a CommonJS file with a code cache', () => {
  let dir: string;
  let file: string;
  let cache: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubets-vendor-'));
    file = join(dir, 'lib.cjs');
    cache = join(dir, 'lib.cache');
    writeFileSync(file, "exports.where = __filename; exports.sep = require('node:path').sep; module.exports.twice = (n) => 2 * n;\n");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the file as node would: exports, module, require and __filename', () => {
    const { exports } = loadCommonJS(file, [cache]) as { exports: { where: string; sep: string; twice: (n: number) => number } };
    expect(exports).toMatchObject({ where: file, sep: '/' });
    expect(exports.twice(21)).toBe(42);
  });

  it('reads text beyond ASCII as UTF-8', () => {
    writeFileSync(file, "exports.unit = 'µs';\n");
    expect(loadCommonJS(file, [cache]).exports).toEqual({ unit: 'µs' });
  });

  it('compiles from the cache a previous load saved', () => {
    const first = loadCommonJS(file, [cache]);
    expect(first).toMatchObject({ cacheRead: undefined, cacheUsed: false });
    first.saveCache(cache);
    expect(loadCommonJS(file, [cache])).toMatchObject({ cacheRead: cache, cacheUsed: true });
  });

  it('reads the first cache present of those it is given', () => {
    const preferred = join(dir, 'own', 'lib.cache');
    loadCommonJS(file, [cache]).saveCache(cache);
    expect(loadCommonJS(file, [preferred, cache])).toMatchObject({ cacheRead: cache, cacheUsed: true });
    loadCommonJS(file, [cache]).saveCache(preferred);
    expect(loadCommonJS(file, [preferred, cache])).toMatchObject({ cacheRead: preferred, cacheUsed: true });
  });

  it('compiles around a cache V8 refuses, and a save replaces it', () => {
    writeFileSync(cache, 'not a code cache');
    const loaded = loadCommonJS(file, [cache]);
    expect(loaded).toMatchObject({ cacheRead: cache, cacheUsed: false });
    expect((loaded.exports as { sep: string }).sep).toBe('/');
    loaded.saveCache(cache);
    expect(readFileSync(cache, 'utf8')).not.toBe('not a code cache');
    expect(loadCommonJS(file, [cache]).cacheUsed).toBe(true);
  });

  // A code cache is code: another user must not be able to put one in place, nor read it.
  it('saves into a directory of its own user alone, readable by that user alone, with no partial file left', () => {
    const own = join(dir, 'user', 'kubets', 'lib.cache');
    loadCommonJS(file, [cache]).saveCache(own);
    expect(statSync(join(dir, 'user', 'kubets')).mode & 0o777).toBe(0o700);
    expect(statSync(own).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'user', 'kubets'))).toEqual(['lib.cache']);
  });

  it('goes without a cache where it may not write one', () => {
    const loaded = loadCommonJS(file, [cache]);
    expect(() => loaded.saveCache(join(file, 'not-a-directory', 'lib.cache'))).not.toThrow();
    expect(readdirSync(dir)).toEqual(['lib.cjs']);
  });
});
