import { describe, expect, it } from 'vitest';
import { CompactedError, type Store, type WatchBatch } from './store.js';

// The behaviour every Store must have, run against each implementation (etcd-store.test.ts,
// testing/memory-store.test.ts). Tests share one store, so each works under its own prefix and
// asserts revisions only relative to each other: the store's revision is global.

let prefixes = 0;
function freshPrefix(name: string): string {
  return `/registry/contract-${name}-${process.pid}-${++prefixes}/`;
}

const b = (text: string): Buffer => Buffer.from(text);

interface Recorder {
  batches: WatchBatch[];
  errors: Error[];
  /** Resolves once predicate holds over the batches received so far. */
  until(predicate: (batches: WatchBatch[]) => boolean, timeoutMs?: number): Promise<void>;
  cancel(): Promise<void>;
}

async function record(store: Store, prefix: string, fromRevision: number): Promise<Recorder> {
  const batches: WatchBatch[] = [];
  const errors: Error[] = [];
  const watch = await store.watch(prefix, fromRevision, { onBatch: (batch) => batches.push(batch), onError: (err) => errors.push(err) });
  return {
    batches,
    errors,
    async until(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(batches)) {
        if (Date.now() > deadline) throw new Error(`watch did not get there; received ${JSON.stringify(summary(batches))}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    cancel: () => watch.cancel(),
  };
}

/**
 * The error a watch from a compacted revision ends with: the watch is refused (CompactedError),
 * or, as etcd 3.4 does, accepted and then cancelled with an empty reason.
 */
async function watchFailure(store: Store, prefix: string, fromRevision: number): Promise<unknown> {
  let batches = 0;
  let onError!: (err: Error) => void;
  const failed = new Promise<Error>((resolve) => (onError = resolve));
  try {
    const watch = await store.watch(prefix, fromRevision, { onBatch: () => batches++, onError });
    const err = await Promise.race([failed, new Promise<undefined>((r) => setTimeout(r, 10_000))]);
    await watch.cancel();
    return batches === 0 ? err : `${batches} batches before the error`;
  } catch (err) {
    return err instanceof CompactedError ? err : `refused with ${String(err)}, not CompactedError`;
  }
}

function summary(batches: WatchBatch[]): string[] {
  return batches.flatMap((batch) => batch.events.map((e) => `${e.type} ${e.kv.key}@${e.kv.modRevision}`));
}

function eventCount(batches: WatchBatch[]): number {
  return batches.reduce((n, batch) => n + batch.events.length, 0);
}

/** Defines the Store contract tests; store() returns the store under test (made in the caller's beforeAll). */
export function describeStoreContract(name: string, store: () => Store): void {
  describe(`Store contract: ${name}`, () => {
    it('creates once, updates only at the expected revision, deletes with a precondition', async () => {
      const s = store();
      const key = `${freshPrefix('crud')}a`;
      const created = await s.create(key, b('1'));
      if (!created.ok) throw new Error('create failed');
      const again = await s.create(key, b('2'));
      expect(again).toMatchObject({ ok: false, current: { key, value: b('1'), modRevision: created.revision } });
      expect(await s.get(key)).toEqual({ key, value: b('1'), modRevision: created.revision, createRevision: created.revision, version: 1 });

      expect(await s.update(key, b('3'), created.revision - 1)).toMatchObject({ ok: false, current: { modRevision: created.revision } });
      const updated = await s.update(key, b('3'), created.revision);
      if (!updated.ok) throw new Error('update failed');
      expect(updated.revision).toBeGreaterThan(created.revision);
      expect(await s.currentRevision()).toBe(updated.revision);
      expect(await s.get(key)).toEqual({ key, value: b('3'), modRevision: updated.revision, createRevision: created.revision, version: 2 });

      expect(await s.delete(key, created.revision)).toMatchObject({ ok: false, current: { modRevision: updated.revision } });
      const deleted = await s.delete(key, updated.revision);
      expect(deleted).toMatchObject({ ok: true });
      expect(await s.get(key)).toBeUndefined();
      expect(await s.update(key, b('4'), updated.revision)).toEqual({ ok: false, current: undefined });
      expect(await s.delete(key, updated.revision)).toEqual({ ok: false, current: undefined });

      const recreated = await s.create(key, b('5'));
      if (!recreated.ok) throw new Error('create after delete failed');
      expect(await s.get(key)).toMatchObject({ createRevision: recreated.revision, version: 1 });
    });

    it('writes the extra puts with the object only while every extra compare holds', async () => {
      const s = store();
      const prefix = freshPrefix('txn');
      const bitmap = `${prefix}ranges/bitmap`;
      const first = await s.create(`${prefix}objects/a`, b('a'), { compares: [{ key: bitmap, modRevision: 0 }], puts: [{ key: bitmap, value: b('1') }] });
      if (!first.ok) throw new Error('first create failed');
      expect(await s.get(bitmap)).toMatchObject({ value: b('1'), modRevision: first.revision });

      // A second writer that read the bitmap before the first write loses, and writes nothing.
      const stale = await s.create(`${prefix}objects/b`, b('b'), { compares: [{ key: bitmap, modRevision: 0 }], puts: [{ key: bitmap, value: b('2') }] });
      expect(stale).toEqual({ ok: false, current: undefined });
      expect(await s.get(`${prefix}objects/b`)).toBeUndefined();
      expect(await s.get(bitmap)).toMatchObject({ value: b('1') });

      const update = await s.update(`${prefix}objects/a`, b('a2'), first.revision, { compares: [{ key: bitmap, modRevision: first.revision - 1 }], puts: [] });
      expect(update).toMatchObject({ ok: false, current: { value: b('a') } });

      const release = await s.delete(`${prefix}objects/a`, first.revision, { compares: [{ key: bitmap, modRevision: first.revision }], puts: [{ key: bitmap, value: b('0') }] });
      if (!release.ok) throw new Error('delete failed');
      expect(await s.get(`${prefix}objects/a`)).toBeUndefined();
      expect(await s.get(bitmap)).toMatchObject({ value: b('0'), modRevision: release.revision, version: 2 });
    });

    it('lists in pages at a fixed revision, and reads older revisions as they were', async () => {
      const s = store();
      const prefix = freshPrefix('list');
      const revs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await s.create(`${prefix}k${i}`, b(String(i)));
        if (res.ok) revs.push(res.revision);
      }
      await s.create(`${prefix.slice(0, -1)}x/outside`, b('not in the range'));
      const first = await s.list(prefix, { limit: 2 });
      expect(first.items.map((i) => i.key)).toEqual([`${prefix}k0`, `${prefix}k1`]);
      expect(first).toMatchObject({ more: true, remaining: 3, revision: await s.currentRevision() });

      await s.create(`${prefix}k2a`, b('late'));
      const k3 = await s.get(`${prefix}k3`);
      await s.update(`${prefix}k3`, b('changed'), k3!.modRevision);
      await s.delete(`${prefix}k4`, revs[4]!);
      const second = await s.list(prefix, { limit: 10, startAfter: `${prefix}k1`, revision: first.revision });
      expect(second.items.map((i) => `${i.key.slice(prefix.length)}=${i.value.toString()}`)).toEqual(['k2=2', 'k3=3', 'k4=4']);
      expect(second).toMatchObject({ more: false, remaining: 0, revision: first.revision });

      const now = await s.list(prefix);
      expect(now.items.map((i) => `${i.key.slice(prefix.length)}=${i.value.toString()}`)).toEqual(['k0=0', 'k1=1', 'k2=2', 'k2a=late', 'k3=changed']);
      const early = await s.list(prefix, { revision: revs[1] });
      expect(early.items.map((i) => i.key.slice(prefix.length))).toEqual(['k0', 'k1']);
    });

    it('watches from a revision: every change in the range after it, in order, each once', async () => {
      const s = store();
      const prefix = freshPrefix('watch');
      const before = await s.create(`${prefix}before`, b('0'));
      if (!before.ok) throw new Error('create failed');
      const from = before.revision + 1;
      const a = await s.create(`${prefix}a`, b('1'));
      await s.create(`${prefix.slice(0, -1)}x/outside`, b('x'));
      const watcher = await record(s, prefix, from);
      try {
        const a2 = await s.update(`${prefix}a`, b('2'), a.ok ? a.revision : 0);
        const gone = await s.delete(`${prefix}a`, a2.ok ? a2.revision : 0);
        if (!a.ok || !a2.ok || !gone.ok) throw new Error('write failed');
        await watcher.until((batches) => eventCount(batches) >= 3);
        expect(summary(watcher.batches)).toEqual([`put ${prefix}a@${a.revision}`, `put ${prefix}a@${a2.revision}`, `delete ${prefix}a@${gone.revision}`]);
        expect(watcher.batches.at(-1)!.revision).toBe(gone.revision);
        for (const batch of watcher.batches) for (const e of batch.events) expect(e.kv.modRevision).toBeLessThanOrEqual(batch.revision);
        expect(watcher.batches.flatMap((batch) => batch.events).map((e) => e.kv.value.toString())).toEqual(['1', '2', '']);
      } finally {
        await watcher.cancel();
      }
    });

    it('delivers the extra puts of a transaction in the same batch revision as the object', async () => {
      const s = store();
      const prefix = freshPrefix('batch');
      const watcher = await record(s, prefix, (await s.currentRevision()) + 1);
      try {
        const res = await s.create(`${prefix}obj`, b('o'), { compares: [], puts: [{ key: `${prefix}ranges`, value: b('r') }] });
        if (!res.ok) throw new Error('create failed');
        await watcher.until((batches) => eventCount(batches) >= 2);
        expect(watcher.batches.flatMap((batch) => batch.events).map((e) => e.kv.modRevision)).toEqual([res.revision, res.revision]);
      } finally {
        await watcher.cancel();
      }
    });

    it('proves a watch current: after progress() it reaches the current revision without foreign events', async () => {
      const s = store();
      const prefix = freshPrefix('progress');
      const watcher = await record(s, prefix, (await s.currentRevision()) + 1);
      try {
        await s.create(`${prefix.slice(0, -1)}x/elsewhere`, b('x'));
        const current = await s.currentRevision();
        await s.progress(prefix);
        await watcher.until((batches) => (batches.at(-1)?.revision ?? 0) >= current);
        expect(summary(watcher.batches)).toEqual([]);
        expect((await s.list(prefix)).items).toEqual([]);
      } finally {
        await watcher.cancel();
      }
    });

    it('stops delivering after cancel', async () => {
      const s = store();
      const prefix = freshPrefix('cancel');
      const watcher = await record(s, prefix, (await s.currentRevision()) + 1);
      await s.create(`${prefix}a`, b('1'));
      await watcher.until((batches) => eventCount(batches) >= 1);
      await watcher.cancel();
      await s.create(`${prefix}b`, b('2'));
      const probe = await record(s, prefix, (await s.currentRevision()));
      await probe.until((batches) => eventCount(batches) >= 1);
      await probe.cancel();
      expect(summary(watcher.batches)).toHaveLength(1);
      expect(watcher.errors).toEqual([]);
    });

    it('attaches a key to a granted lease', async () => {
      const s = store();
      const key = `${freshPrefix('lease')}event`;
      const lease = await s.grantLease(60);
      expect(lease).toMatch(/^\d+$/);
      expect(await s.create(key, b('e'), undefined, lease)).toMatchObject({ ok: true });
      expect(await s.get(key)).toMatchObject({ value: b('e') });
    });

    // Compaction runs last: it removes history the tests above read.
    it('compacts history: older reads and watches fail with CompactedError, newer ones work', async () => {
      const s = store();
      const prefix = freshPrefix('compact');
      const old = await s.create(`${prefix}a`, b('1'));
      if (!old.ok) throw new Error('create failed');
      const kept = await s.update(`${prefix}a`, b('2'), old.revision);
      if (!kept.ok) throw new Error('update failed');
      await s.compact(kept.revision);
      expect(await s.compactedRevision()).toBe(kept.revision);
      await expect(s.list(prefix, { revision: old.revision })).rejects.toBeInstanceOf(CompactedError);
      await expect(s.compact(old.revision)).rejects.toBeInstanceOf(CompactedError);
      expect(await watchFailure(s, prefix, old.revision)).toBeInstanceOf(Error);
      expect((await s.list(prefix, { revision: kept.revision })).items.map((i) => i.value.toString())).toEqual(['2']);

      const watcher = await record(s, prefix, kept.revision + 1);
      try {
        const next = await s.update(`${prefix}a`, b('3'), kept.revision);
        await watcher.until((batches) => eventCount(batches) >= 1);
        expect(summary(watcher.batches)).toEqual([`put ${prefix}a@${next.ok ? next.revision : 0}`]);
      } finally {
        await watcher.cancel();
      }
    });
  });
}
