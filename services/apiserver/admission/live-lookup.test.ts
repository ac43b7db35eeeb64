import { describe, expect, it } from 'vitest';
import { liveLookup } from './live-lookup.js';

function counted(answers: Record<string, string[]>) {
  const reads: string[] = [];
  const read = async (namespace: string): Promise<string[]> => {
    reads.push(namespace);
    return answers[namespace] ?? [];
  };
  return { reads, read };
}

describe('liveLookup', () => {
  it('keeps an empty answer until its time is up, then reads again', async () => {
    let now = 0;
    const { reads, read } = counted({});
    const lookup = liveLookup(read, { ttlMs: 30_000, maxEntries: 10, now: () => now });
    expect(await lookup('a')).toEqual([]);
    now = 29_999;
    expect(await lookup('a')).toEqual([]);
    expect(reads).toEqual(['a']);
    now = 30_000;
    await lookup('a');
    expect(reads).toEqual(['a', 'a']);
  });

  it('shares one read among concurrent lookups of a namespace', async () => {
    const { reads, read } = counted({ b: ['limits'] });
    const lookup = liveLookup(read, { ttlMs: 30_000, maxEntries: 10 });
    expect(await Promise.all([lookup('b'), lookup('b'), lookup('c')])).toEqual([['limits'], ['limits'], []]);
    expect(reads).toEqual(['b', 'c']);
  });

  it('reads again after a non-empty answer or a failure', async () => {
    let fail = true;
    const reads: string[] = [];
    const lookup = liveLookup(
      async (namespace: string) => {
        reads.push(namespace);
        if (fail) throw new Error('etcd down');
        return ['limits'];
      },
      { ttlMs: 30_000, maxEntries: 10 },
    );
    await expect(lookup('a')).rejects.toThrow('etcd down');
    fail = false;
    expect(await lookup('a')).toEqual(['limits']);
    expect(await lookup('a')).toEqual(['limits']);
    expect(reads).toEqual(['a', 'a', 'a']);
  });

  it('forgets the oldest namespace beyond its bound', async () => {
    const { reads, read } = counted({});
    const lookup = liveLookup(read, { ttlMs: 30_000, maxEntries: 2 });
    for (const ns of ['a', 'b', 'c', 'b', 'a']) await lookup(ns);
    expect(reads).toEqual(['a', 'b', 'c', 'a']);
  });
});
