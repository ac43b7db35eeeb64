import { describe, expect, it } from 'vitest';
import { CreateBatcher, type CreateBatcherOptions, type PlainCreate } from './create-batcher.js';
import type { WriteResult } from './store.js';

interface Pending<T> {
  creates: PlainCreate[];
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}

/** A batcher whose transactions wait until the test answers them, recording what was sent. */
function fakeBatcher(opts: Partial<Pick<CreateBatcherOptions, 'maxInFlight' | 'maxCreates' | 'maxBytes' | 'minAnswersPerTurn'>> = {}) {
  const alone: Pending<WriteResult>[] = [];
  const together: Pending<{ ok: true; revision: number } | { ok: false }>[] = [];
  const batcher = new CreateBatcher({
    commitOne: (c) => new Promise((resolve, reject) => alone.push({ creates: [c], resolve, reject })),
    commitAll: (cs) => new Promise((resolve, reject) => together.push({ creates: cs, resolve, reject })),
    maxInFlight: opts.maxInFlight ?? 1,
    maxCreates: opts.maxCreates ?? 128,
    maxBytes: opts.maxBytes ?? 1 << 20,
    minAnswersPerTurn: opts.minAnswersPerTurn ?? 128,
  });
  const create = (key: string, value = 'v', lease?: string): Promise<WriteResult> => batcher.create({ key, value: Buffer.from(value), lease });
  return { batcher, alone, together, create };
}

const keysOf = (p: { creates: PlainCreate[] }): string[] => p.creates.map((c) => c.key);
const settled = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('CreateBatcher', () => {
  it('sends a create alone, once the event loop turn it came in is over, when nothing is in flight', async () => {
    const { alone, together, create } = fakeBatcher();
    const res = create('/a');
    expect(alone).toHaveLength(0);
    await settled();
    expect(alone.map(keysOf)).toEqual([['/a']]);
    alone[0]!.resolve({ ok: true, revision: 7 });
    expect(await res).toEqual({ ok: true, revision: 7 });
    expect(together).toHaveLength(0);
  });

  it('queues creates while the pipeline is full and sends the whole queue as one transaction, all at its revision', async () => {
    const { alone, together, create } = fakeBatcher({ maxInFlight: 2 });
    const first = [create('/a')];
    await settled();
    first.push(create('/b'));
    await settled();
    const queued = [create('/c', 'c', '42'), create('/d'), create('/e')];
    await settled();
    expect(alone.map(keysOf)).toEqual([['/a'], ['/b']]);
    expect(together).toHaveLength(0);
    alone[0]!.resolve({ ok: true, revision: 10 });
    await settled();
    expect(together.map(keysOf)).toEqual([['/c', '/d', '/e']]);
    expect(together[0]!.creates[0]).toEqual({ key: '/c', value: Buffer.from('c'), lease: '42' });
    together[0]!.resolve({ ok: true, revision: 12 });
    alone[1]!.resolve({ ok: true, revision: 11 });
    expect(await Promise.all(first)).toEqual([{ ok: true, revision: 10 }, { ok: true, revision: 11 }]);
    expect(await Promise.all(queued)).toEqual([1, 2, 3].map(() => ({ ok: true, revision: 12 })));
  });

  it('puts at most maxCreates creates and about maxBytes bytes in one transaction, oldest first', async () => {
    const { alone, together, create } = fakeBatcher({ maxCreates: 3, maxBytes: 400 });
    void create('/first');
    // The turn ends: /first goes alone, before the creates below arrive.
    await settled();
    for (const k of ['/1', '/2', '/3', '/4', '/5']) void create(k);
    alone[0]!.resolve({ ok: true, revision: 1 });
    await settled();
    expect(together.map(keysOf)).toEqual([['/1', '/2', '/3']]);
    together[0]!.resolve({ ok: true, revision: 2 });
    await settled();
    expect(together.map(keysOf)).toEqual([['/1', '/2', '/3'], ['/4', '/5']]);
    together[1]!.resolve({ ok: true, revision: 3 });
    await settled();

    const big = 'x'.repeat(150);
    void create('/b1', big);
    void create('/b2', big);
    void create('/b3', big);
    void create('/b4', big);
    await settled();
    expect(together.map(keysOf)[2]).toEqual(['/b1', '/b2']);
    together[2]!.resolve({ ok: true, revision: 4 });
    await settled();
    expect(together.map(keysOf)[3]).toEqual(['/b3', '/b4']);
  });

  it('sends the creates that came in one turn of the event loop in one transaction', async () => {
    const { alone, together, create } = fakeBatcher();
    const res = [create('/a'), create('/b')];
    await settled();
    expect(alone).toHaveLength(0);
    expect(together.map(keysOf)).toEqual([['/a', '/b']]);
    together[0]!.resolve({ ok: true, revision: 4 });
    expect(await Promise.all(res)).toEqual([{ ok: true, revision: 4 }, { ok: true, revision: 4 }]);
  });

  /** Commits keys in one transaction and returns the keys answered after each step: promise jobs only, then each following turn. */
  async function answeredByTurn(keys: string[], minAnswersPerTurn: number): Promise<string[][]> {
    const { together, create } = fakeBatcher({ minAnswersPerTurn });
    const answered: string[] = [];
    for (const k of keys) void create(k).then(() => answered.push(k));
    await settled();
    expect(together.map(keysOf)).toEqual([keys]);
    together[0]!.resolve({ ok: true, revision: 9 });
    const steps: string[][] = [];
    // Promise jobs run, the next turn does not.
    for (let i = 0; i < 10; i++) await Promise.resolve();
    steps.push([...answered]);
    await settled();
    steps.push([...answered]);
    return steps;
  }

  it('answers the first half of a committed transaction in its turn and the rest in the next, oldest first', async () => {
    const keys = ['/1', '/2', '/3', '/4', '/5'];
    expect(await answeredByTurn(keys, 2)).toEqual([['/1', '/2', '/3'], keys]);
  });

  it('answers at least minAnswersPerTurn creates in the first turn', async () => {
    const keys = ['/1', '/2', '/3', '/4', '/5'];
    expect(await answeredByTurn(keys, 4)).toEqual([['/1', '/2', '/3', '/4'], keys]);
    expect(await answeredByTurn(keys, 5)).toEqual([keys, keys]);
  });

  it('sends a create larger than the byte limit alone, as today', async () => {
    const { alone, together, create } = fakeBatcher({ maxBytes: 100 });
    void create('/first');
    // The turn ends: /first goes alone, before the creates below arrive.
    await settled();
    void create('/huge', 'x'.repeat(500));
    void create('/after');
    alone[0]!.resolve({ ok: true, revision: 1 });
    await settled();
    expect(alone.map(keysOf)).toEqual([['/first'], ['/huge']]);
    alone[1]!.resolve({ ok: true, revision: 2 });
    await settled();
    expect(alone.map(keysOf)).toEqual([['/first'], ['/huge'], ['/after']]);
    expect(together).toHaveLength(0);
  });

  it('never puts one key twice in a transaction: the second create of a key waits for the next', async () => {
    const { alone, together, create } = fakeBatcher();
    void create('/first');
    // The turn ends: /first goes alone, before the creates below arrive.
    await settled();
    void create('/a', 'one');
    void create('/b');
    void create('/a', 'two');
    void create('/c');
    alone[0]!.resolve({ ok: true, revision: 1 });
    await settled();
    expect(together.map(keysOf)).toEqual([['/a', '/b']]);
    together[0]!.resolve({ ok: true, revision: 2 });
    await settled();
    expect(together.map(keysOf)).toEqual([['/a', '/b'], ['/a', '/c']]);
  });

  it('commits each create of a failed transaction alone, so each gets its own answer', async () => {
    const { alone, together, create } = fakeBatcher();
    void create('/first');
    // The turn ends: /first goes alone, before the creates below arrive.
    await settled();
    const a = create('/a');
    const exists = create('/exists');
    const mine = create('/mine');
    alone[0]!.resolve({ ok: true, revision: 1 });
    await settled();
    together[0]!.resolve({ ok: false });
    await settled();
    expect(alone.map(keysOf).slice(1)).toEqual([['/a'], ['/exists'], ['/mine']]);
    const current = { key: '/exists', value: Buffer.from('theirs'), modRevision: 1, createRevision: 1, version: 1 };
    alone[1]!.resolve({ ok: true, revision: 5 });
    alone[2]!.resolve({ ok: false, current });
    // an earlier attempt of the batch was applied: the create alone recognises its own write
    alone[3]!.resolve({ ok: true, revision: 3 });
    expect(await Promise.all([a, exists, mine])).toEqual([{ ok: true, revision: 5 }, { ok: false, current }, { ok: true, revision: 3 }]);
  });

  it('holds back the next transaction until the fallback of a failed one is done', async () => {
    const { alone, together, create } = fakeBatcher();
    void create('/first');
    // The turn ends: /first goes alone, before the creates below arrive.
    await settled();
    void create('/a');
    void create('/b');
    alone[0]!.resolve({ ok: true, revision: 1 });
    await settled();
    void create('/later');
    together[0]!.resolve({ ok: false });
    await settled();
    expect(alone.map(keysOf).slice(1)).toEqual([['/a'], ['/b']]);
    alone[1]!.resolve({ ok: true, revision: 2 });
    alone[2]!.resolve({ ok: true, revision: 3 });
    await settled();
    expect(alone.map(keysOf).slice(3)).toEqual([['/later']]);
  });

  it('fails every create of a transaction that failed with the same error, and goes on with the queue', async () => {
    const { alone, together, create } = fakeBatcher();
    void create('/first');
    // The turn ends: /first goes alone, before the creates below arrive.
    await settled();
    const waiting = [create('/a'), create('/b')];
    alone[0]!.resolve({ ok: true, revision: 1 });
    await settled();
    const next = create('/next');
    const err = new Error('etcdserver: request timed out');
    together[0]!.reject(err);
    for (const w of waiting) await expect(w).rejects.toBe(err);
    await settled();
    expect(alone.map(keysOf).at(-1)).toEqual(['/next']);
    alone.at(-1)!.reject(err);
    await expect(next).rejects.toBe(err);
    await settled();
    void create('/after-errors');
    await settled();
    expect(alone.map(keysOf).at(-1)).toEqual(['/after-errors']);
  });
});
