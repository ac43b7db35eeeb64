import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdInstance } from '../../../test/harness/etcd.js';
import { openEtcdStore, type EtcdStore } from './etcd-store.js';

describe('EtcdStore (real etcd)', () => {
  let etcd: EtcdInstance;
  let store: EtcdStore;
  beforeAll(async () => {
    etcd = await startEtcd();
    store = openEtcdStore([etcd.endpoint]);
  });
  afterAll(async () => {
    await store?.close();
    await etcd?.stop();
  });

  it('creates once, updates only at the expected revision, deletes with a precondition', async () => {
    const created = await store.create('/registry/t/a', Buffer.from('1'));
    expect(created.ok).toBe(true);
    const again = await store.create('/registry/t/a', Buffer.from('2'));
    expect(again).toMatchObject({ ok: false, current: { value: Buffer.from('1') } });
    const rev = created.ok ? created.revision : 0;
    expect((await store.update('/registry/t/a', Buffer.from('3'), rev - 1)).ok).toBe(false);
    const updated = await store.update('/registry/t/a', Buffer.from('3'), rev);
    expect(updated.ok).toBe(true);
    expect((await store.delete('/registry/t/a', rev)).ok).toBe(false);
    expect((await store.delete('/registry/t/a', updated.ok ? updated.revision : 0)).ok).toBe(true);
    expect(await store.get('/registry/t/a')).toBeUndefined();
  });

  it('lists in pages at a fixed revision', async () => {
    for (let i = 0; i < 5; i++) await store.create(`/registry/p/k${i}`, Buffer.from(String(i)));
    const first = await store.list('/registry/p/', { limit: 2 });
    expect(first.items.map((i) => i.key)).toEqual(['/registry/p/k0', '/registry/p/k1']);
    expect(first).toMatchObject({ more: true, remaining: 3 });
    await store.create('/registry/p/k2a', Buffer.from('late'));
    const second = await store.list('/registry/p/', { limit: 10, startAfter: '/registry/p/k1', revision: first.revision });
    expect(second.items.map((i) => i.key)).toEqual(['/registry/p/k2', '/registry/p/k3', '/registry/p/k4']);
    expect(second.more).toBe(false);
    expect(second.revision).toBe(first.revision);
  });
});
