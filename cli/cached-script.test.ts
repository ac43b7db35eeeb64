import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    const { exports } = loadCommonJS(file, cache) as { exports: { where: string; sep: string; twice: (n: number) => number } };
    expect(exports).toMatchObject({ where: file, sep: '/' });
    expect(exports.twice(21)).toBe(42);
  });

  it('reads text beyond ASCII as UTF-8', () => {
    writeFileSync(file, "exports.unit = 'µs';\n");
    expect(loadCommonJS(file, cache).exports).toEqual({ unit: 'µs' });
  });

  it('compiles from the cache a previous load saved', () => {
    const first = loadCommonJS(file, cache);
    expect(first.cacheUsed).toBe(false);
    first.saveCache();
    expect(loadCommonJS(file, cache).cacheUsed).toBe(true);
  });

  it('compiles around a cache V8 refuses, and a save replaces it', () => {
    writeFileSync(cache, 'not a code cache');
    const loaded = loadCommonJS(file, cache);
    expect(loaded.cacheUsed).toBe(false);
    expect((loaded.exports as { sep: string }).sep).toBe('/');
    loaded.saveCache();
    expect(readFileSync(cache, 'utf8')).not.toBe('not a code cache');
    expect(loadCommonJS(file, cache).cacheUsed).toBe(true);
  });

  it('goes without a cache where it may not write one', () => {
    const loaded = loadCommonJS(file, join(dir, 'missing-dir', 'lib.cache'));
    expect(() => loaded.saveCache()).not.toThrow();
  });
});
