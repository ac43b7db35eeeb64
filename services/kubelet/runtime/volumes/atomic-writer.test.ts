import { lstat, mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validatePayloadPath, writeAtomically, type FileProjection } from './atomic-writer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atomic-writer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = (text: string, mode = 0o644): FileProjection => ({ data: Buffer.from(text), mode });

describe('writeAtomically', () => {
  it('writes files behind a ..data symlink with their modes', async () => {
    expect(await writeAtomically(dir, new Map([['a', file('1')], ['sub/b', file('2', 0o400)]]))).toBe(true);
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('1');
    expect(await readFile(join(dir, 'sub/b'), 'utf8')).toBe('2');
    expect((await lstat(join(dir, 'a'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(dir, 'a'))).toBe('..data/a');
    expect((await stat(join(dir, 'sub/b'))).mode & 0o777).toBe(0o400);
    expect((await stat(join(dir, 'a'))).mode & 0o777).toBe(0o644);
  });

  it('does nothing when the content is unchanged', async () => {
    await writeAtomically(dir, new Map([['a', file('1')]]));
    const before = await readlink(join(dir, '..data'));
    expect(await writeAtomically(dir, new Map([['a', file('1')]]))).toBe(false);
    expect(await readlink(join(dir, '..data'))).toBe(before);
  });

  it('swaps to new content and removes what is gone', async () => {
    await writeAtomically(dir, new Map([['a', file('1')], ['b', file('2')]]));
    await writeAtomically(dir, new Map([['a', file('3')]]));
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('3');
    const entries = await readdir(dir);
    expect(entries).not.toContain('b');
    expect(entries.filter((e) => e.startsWith('..')).length).toBe(2);
  });

  it('rewrites when only the mode changed', async () => {
    await writeAtomically(dir, new Map([['a', file('1')]]));
    expect(await writeAtomically(dir, new Map([['a', file('1', 0o600)]]))).toBe(true);
    expect((await stat(join(dir, 'a'))).mode & 0o777).toBe(0o600);
  });

  it('writes an empty payload as an empty directory', async () => {
    await writeAtomically(dir, new Map());
    expect((await readdir(dir)).filter((e) => !e.startsWith('..'))).toEqual([]);
  });
});

describe('validatePayloadPath', () => {
  it.each(['/abs', '../x', 'a/../b', '..hidden', ''])('rejects %j', (path) => {
    expect(() => validatePayloadPath(path)).toThrow();
  });

  it('accepts nested relative paths', () => {
    expect(() => validatePayloadPath('a/b.txt')).not.toThrow();
  });
});
