import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawEtcdClient, startEtcd, type EtcdInstance } from '../../../test/harness/etcd.js';
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

// Plain creates that arrive while earlier ones are in flight go to etcd together, in one
// transaction: each must still get exactly the answer it would have got alone.
describe('EtcdStore: creates committed together', () => {
  const createAll = (keys: string[], value = (k: string) => Buffer.from(`uid-of-${k}`), lease?: string) =>
    Promise.all(keys.map((k) => store.create(k, value(k), undefined, lease)));
  const keysUnder = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}/${String(i).padStart(3, '0')}`);

  it('writes every create of a burst, several at one revision, each at the revision it reports', async () => {
    const keys = keysUnder('/registry/together/burst', 40);
    const results = await createAll(keys);
    const revisions = results.map((r) => (r.ok ? r.revision : 0));
    expect(revisions.every((r) => r > 0)).toBe(true);
    expect(new Set(revisions).size).toBeLessThan(keys.length);
    for (const [i, key] of keys.entries()) expect(await store.get(key)).toMatchObject({ modRevision: revisions[i], value: Buffer.from(`uid-of-${key}`) });
  });

  it('answers AlreadyExists for the one key of a burst that exists, and creates the others', async () => {
    const keys = keysUnder('/registry/together/clash', 30);
    await store.create(keys[17]!, Buffer.from('theirs'));
    const results = await createAll(keys);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, current: expect.objectContaining({ key: keys[17], value: Buffer.from('theirs') }) }]);
    for (const [i, key] of keys.entries()) if (i !== 17) expect((await store.get(key))?.value).toEqual(Buffer.from(`uid-of-${key}`));
  });

  it('attaches each create of a burst to its lease', async () => {
    const lease = await store.grantLease(600);
    const keys = keysUnder('/registry/together/leased', 20);
    expect((await createAll(keys, undefined, lease)).every((r) => r.ok)).toBe(true);
    const raw = rawEtcdClient(etcd);
    try {
      for (const key of keys) expect((await raw.get(key).exec()).kvs[0]?.lease).toBe(lease);
    } finally {
      raw.close();
    }
  });

  it('reports creates as created when an earlier attempt of their transaction was applied and its answer lost', async () => {
    const { etcd: client, kv } = connectEtcd([etcd.endpoint]);
    const replaying = new EtcdStore(client, kv);
    const txn = kv.txn.bind(kv);
    kv.txn = async (req) => {
      await txn(req);
      return txn(req);
    };
    try {
      const keys = keysUnder('/registry/together/replayed', 20);
      const results = await Promise.all(keys.map((k) => replaying.create(k, Buffer.from(`uid-of-${k}`))));
      for (const [i, key] of keys.entries()) expect(results[i]).toEqual({ ok: true, revision: (await store.get(key))!.modRevision });
      expect(new Set(results.map((r) => r.ok && r.revision)).size).toBeLessThan(keys.length);
    } finally {
      await replaying.close();
    }
  });

  it('fails every create of a transaction that failed with its error, writing none of them', async () => {
    const { etcd: client, kv } = connectEtcd([etcd.endpoint]);
    const failing = new EtcdStore(client, kv);
    const txn = kv.txn.bind(kv);
    const timedOut = new Error('etcdserver: request timed out');
    kv.txn = async (req) => (req.compare.length > 1 ? Promise.reject(timedOut) : txn(req));
    try {
      const keys = keysUnder('/registry/together/failed', 10);
      const results = await Promise.allSettled(keys.map((k) => failing.create(k, Buffer.from('x'))));
      const rejected = results.filter((r) => r.status === 'rejected');
      expect(rejected.length).toBeGreaterThan(1);
      expect(rejected.every((r) => r.reason === timedOut)).toBe(true);
      const written = await Promise.all(keys.map((k) => store.get(k)));
      expect(written.filter(Boolean)).toHaveLength(keys.length - rejected.length);
    } finally {
      await failing.close();
    }
  });

  it('commits each create alone when etcd refuses their transaction as too large', async () => {
    const { etcd: client, kv } = connectEtcd([etcd.endpoint]);
    const limited = new EtcdStore(client, kv);
    const txn = kv.txn.bind(kv);
    // As a member run with --max-txn-ops=4 answers.
    kv.txn = async (req) => (req.compare.length > 4 ? Promise.reject(new Error('3 INVALID_ARGUMENT: etcdserver: too many operations in txn request')) : txn(req));
    try {
      const keys = keysUnder('/registry/together/limited', 20);
      const results = await Promise.all(keys.map((k) => limited.create(k, Buffer.from('x'))));
      expect(results.every((r) => r.ok)).toBe(true);
      for (const [i, key] of keys.entries()) expect((await store.get(key))?.modRevision).toBe(results[i]!.ok && results[i]!.revision);
    } finally {
      await limited.close();
    }
  });
});
