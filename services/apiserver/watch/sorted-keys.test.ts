import { describe, expect, it } from 'vitest';
import { SortedKeys } from './sorted-keys.js';

/** A small deterministic generator, so a failure replays. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('SortedKeys', () => {
  it('lists keys in order within a range, whatever the order they came in', () => {
    const keys = new SortedKeys();
    for (const k of ['/c/2', '/a/1', '/c/10', '/b/1', '/c/1']) keys.insert(k);
    expect([...keys.range('/c/', '/c0')]).toEqual(['/c/1', '/c/10', '/c/2']);
    expect([...keys.range('', '\uffff')]).toEqual(['/a/1', '/b/1', '/c/1', '/c/10', '/c/2']);
  });

  it('keeps a key removed and added back between reads, and drops one added and removed', () => {
    const keys = new SortedKeys();
    keys.replaceSorted(['/a', '/b', '/c']);
    keys.remove('/b');
    keys.insert('/b');
    keys.insert('/d');
    keys.remove('/d');
    keys.remove('/a');
    expect([...keys.range('', '\uffff')]).toEqual(['/b', '/c']);
  });

  it('adding a key that is present changes nothing', () => {
    const keys = new SortedKeys();
    keys.insert('/a');
    expect([...keys.range('', '\uffff')]).toEqual(['/a']);
    keys.insert('/a');
    expect([...keys.range('', '\uffff')]).toEqual(['/a']);
  });

  it('agrees with a set sorted on every read over random inserts, removes and reads', () => {
    const next = random(7);
    const keys = new SortedKeys();
    const model = new Set<string>();
    for (let step = 0; step < 20_000; step++) {
      const key = `/k/${Math.floor(next() * 3000)}`;
      const r = next();
      if (r < 0.55) {
        if (!model.has(key)) {
          keys.insert(key);
          model.add(key);
        }
      } else if (r < 0.95) {
        if (model.has(key)) {
          keys.remove(key);
          model.delete(key);
        }
      } else {
        const from = `/k/${Math.floor(next() * 3000)}`;
        expect([...keys.range(from, '/k0')]).toEqual([...model].filter((k) => k >= from).sort());
      }
    }
    expect([...keys.range('', '\uffff')]).toEqual([...model].sort());
  });
});
