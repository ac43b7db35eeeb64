import * as grpc from '@grpc/grpc-js';
import { GRPCUnavailableError, isRecoverableError } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawEtcdClient, startEtcd, type EtcdInstance } from '../../../test/harness/etcd.js';
import { freePort } from '../../../test/harness/ports.js';
import { EtcdKv } from './etcd-kv.js';

let etcd: EtcdInstance;
let deadMember: string;
const clients: EtcdKv[] = [];
const kvClient = (endpoints: string[]): EtcdKv => {
  const kv = new EtcdKv({ endpoints, credentials: grpc.credentials.createInsecure(), channelOptions: {} });
  clients.push(kv);
  return kv;
};
beforeAll(async () => {
  etcd = await startEtcd();
  deadMember = `http://127.0.0.1:${await freePort()}`;
});
afterAll(async () => {
  for (const kv of clients) kv.close();
  await etcd?.stop();
});

describe('EtcdKv against real etcd', () => {
  it('writes in a guarded transaction and reads back what etcd3 sees, at the same revisions', async () => {
    const kv = kvClient([etcd.endpoint]);
    const key = Buffer.from('/kv-test/a');
    const created = await kv.txn({ compare: [{ key, target: 'version', value: 0 }], success: [{ put: { key, value: Buffer.from('one') } }], failure: [{ range: key }] });
    expect(created.succeeded).toBe(true);
    const again = await kv.txn({ compare: [{ key, target: 'version', value: 0 }], success: [{ put: { key, value: Buffer.from('two') } }], failure: [{ range: key }] });
    expect(again).toMatchObject({ succeeded: false, responses: [{ kvs: [{ key: '/kv-test/a', value: Buffer.from('one'), modRevision: created.revision, createRevision: created.revision, version: 1 }] }] });

    const raw = rawEtcdClient(etcd);
    try {
      const seen = await raw.get('/kv-test/a').exec();
      expect(Number(seen.kvs[0]!.mod_revision)).toBe(created.revision);
      const updated = await kv.txn({ compare: [{ key, target: 'mod', value: created.revision }], success: [{ put: { key, value: Buffer.from('three') } }], failure: [] });
      expect(updated.succeeded).toBe(true);
      expect(await raw.get('/kv-test/a').string()).toBe('three');
    } finally {
      raw.close();
    }
  });

  it('lists a prefix in pages, sorted, at a revision', async () => {
    const kv = kvClient([etcd.endpoint]);
    const revisions: number[] = [];
    for (const name of ['c', 'a', 'b']) {
      const key = Buffer.from(`/kv-list/${name}`);
      revisions.push((await kv.txn({ compare: [], success: [{ put: { key, value: Buffer.from(name) } }], failure: [] })).revision);
    }
    const page = await kv.range({ key: Buffer.from('/kv-list/'), rangeEnd: Buffer.from('/kv-list0'), sorted: true, limit: 2 });
    expect(page).toMatchObject({ more: true, count: 3, kvs: [{ key: '/kv-list/a' }, { key: '/kv-list/b' }] });
    const before = await kv.range({ key: Buffer.from('/kv-list/'), rangeEnd: Buffer.from('/kv-list0'), sorted: true, revision: revisions[1] });
    expect(before.kvs.map((k) => k.key)).toEqual(['/kv-list/a', '/kv-list/c']);
  });

  it('sends a call to another member when one is unreachable', async () => {
    const kv = kvClient([deadMember, etcd.endpoint]);
    for (let i = 0; i < 20; i++) {
      const res = await kv.range({ key: Buffer.from('/kv-test/a') });
      expect(res.kvs[0]?.key).toBe('/kv-test/a');
    }
  });

  it('fails with etcd3\'s recoverable unavailable error when no member answers', async () => {
    const kv = kvClient([deadMember]);
    const err = await kv.range({ key: Buffer.from('/x') }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(GRPCUnavailableError);
    expect(isRecoverableError(err as Error)).toBe(true);
  });

  it('reports a request etcd refuses as etcd3 would, without retrying it', async () => {
    const kv = kvClient([etcd.endpoint]);
    const err = await kv.range({ key: Buffer.from('/kv-test/a'), revision: 10_000_000 }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/required revision is a future revision/);
    expect(isRecoverableError(err as Error)).toBe(false);
  });
});
