import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdInstance } from '../../../test/harness/etcd.js';
import { connectEtcd } from './etcd-client.js';
import { EtcdStore, openEtcdStore } from './etcd-store.js';
import { describeStoreContract } from './store-contract.js';

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

describeStoreContract('EtcdStore (real etcd)', () => store);

// EtcdKv sends a transaction again when an attempt got no answer, and that attempt may have been
// applied: the store must recognise its own earlier write instead of reporting a conflict.
describe('EtcdStore: a write sent again after its answer was lost', () => {
  let replaying: EtcdStore;
  beforeAll(() => {
    const { etcd: client, kv } = connectEtcd([etcd.endpoint]);
    replaying = new EtcdStore(client, kv);
    // Every transaction is applied, its answer dropped, and sent again: the caller sees the second answer.
    const txn = kv.txn.bind(kv);
    kv.txn = async (req) => {
      await txn(req);
      return txn(req);
    };
  });
  afterAll(() => replaying?.close());

  it('reports a create that was applied by the earlier attempt as created, at its revision', async () => {
    const res = await replaying.create('/registry/replay/a', Buffer.from('uid-1'));
    expect(res.ok).toBe(true);
    expect(res.ok && res.revision).toBe((await store.get('/registry/replay/a'))!.modRevision);
  });

  it('reports a create that was applied by the earlier attempt with its extra puts as created', async () => {
    const res = await replaying.create('/registry/replay/b', Buffer.from('uid-2'), { compares: [], puts: [{ key: '/registry/replay/b-bitmap', value: Buffer.from('1') }] });
    expect(res.ok).toBe(true);
    expect(res.ok && res.revision).toBe((await store.get('/registry/replay/b'))!.modRevision);
  });

  it('applies an update sent again only once, and reports it as applied at its revision', async () => {
    const created = await store.create('/registry/replay/u', Buffer.from('v1'));
    if (!created.ok) throw new Error('setup');
    const res = await replaying.update('/registry/replay/u', Buffer.from('v2'), created.revision);
    const now = (await store.get('/registry/replay/u'))!;
    expect(now).toMatchObject({ value: Buffer.from('v2'), version: 2 });
    expect(res).toEqual({ ok: true, revision: now.modRevision });
  });

  it('reports an update applied by the earlier attempt with its extra puts as applied', async () => {
    const created = await store.create('/registry/replay/e', Buffer.from('v1'));
    if (!created.ok) throw new Error('setup');
    const res = await replaying.update('/registry/replay/e', Buffer.from('v2'), created.revision, { compares: [], puts: [{ key: '/registry/replay/e-bitmap', value: Buffer.from('2') }] });
    expect(res).toEqual({ ok: true, revision: (await store.get('/registry/replay/e'))!.modRevision });
  });

  it('still refuses a create of a key that holds other bytes, and a stale update', async () => {
    await store.create('/registry/replay/c', Buffer.from('theirs'));
    expect((await store.create('/registry/replay/c', Buffer.from('mine'))).ok).toBe(false);
    const created = await store.create('/registry/replay/d', Buffer.from('v1'));
    if (!created.ok) throw new Error('setup');
    await store.update('/registry/replay/d', Buffer.from('theirs'), created.revision);
    const res = await store.update('/registry/replay/d', Buffer.from('mine'), created.revision);
    expect(res).toMatchObject({ ok: false, current: { value: Buffer.from('theirs') } });
  });
});
