import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdInstance } from '../../../test/harness/etcd.js';
import { freePort } from '../../../test/harness/ports.js';
import { startProxy, type TcpProxy } from '../../../test/harness/tcp-proxy.js';
import { EtcdMembers } from './etcd-members.js';
import { openEtcdStore, type EtcdStore } from './etcd-store.js';
import { openEtcdWatch } from './etcd-watch.js';
import { CompactedError, type StoreWatch, type WatchBatch } from './store.js';

// EtcdStore's watch streams against real etcd: what a watch cache relies on when the connection
// to its member drops, the member restarts, another member has to take over, history is compacted
// under it, or it is cancelled while etcd is out of reach.

let etcd: EtcdInstance;
let store: EtcdStore;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  etcd = await startEtcd();
  store = openEtcdStore([etcd.endpoint]);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await store?.close();
  await etcd?.stop();
});

let prefixes = 0;
const freshPrefix = (name: string): string => `/registry/watch-${name}-${++prefixes}/`;

function members(endpoints: string[]): EtcdMembers {
  const m = new EtcdMembers({ endpoints, credentials: grpc.credentials.createInsecure(), channelOptions: {} });
  cleanups.push(() => m.close());
  return m;
}

async function proxy(): Promise<TcpProxy> {
  const p = await startProxy(Number(new URL(etcd.endpoint).port));
  cleanups.push(() => p.close());
  return p;
}

async function put(key: string, value: string): Promise<number> {
  const current = await store.get(key);
  const res = current ? await store.update(key, Buffer.from(value), current.modRevision) : await store.create(key, Buffer.from(value));
  if (!res.ok) throw new Error(`write of ${key} failed`);
  return res.revision;
}

/** Waits until the writing store's channel has connected to the restarted member again. */
async function reachable(): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await store.currentRevision();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

interface Recorder {
  batches: WatchBatch[];
  errors: Error[];
  disconnects: Error[];
  watch: StoreWatch;
  /** "put key@revision" for each event received. */
  events(): string[];
  until(predicate: () => boolean, what: string): Promise<void>;
}

async function record(on: EtcdMembers, prefix: string, fromRevision: number): Promise<Recorder> {
  const batches: WatchBatch[] = [];
  const errors: Error[] = [];
  const disconnects: Error[] = [];
  const watch = await openEtcdWatch(on, prefix, fromRevision, { onBatch: (b) => batches.push(b), onError: (e) => errors.push(e), onDisconnected: (e) => disconnects.push(e) });
  cleanups.push(() => watch.cancel());
  const rec: Recorder = {
    batches,
    errors,
    disconnects,
    watch,
    events: () => batches.flatMap((b) => b.events.map((e) => `${e.type} ${e.kv.key.slice(prefix.length)}@${e.kv.modRevision}`)),
    async until(predicate, what) {
      const deadline = Date.now() + 30_000;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`watch did not get ${what}; events ${JSON.stringify(rec.events())}, errors ${errors.map((e) => e.message).join('; ')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
  return rec;
}

describe('EtcdStore watch streams (real etcd)', () => {
  it('resumes after its connection drops from the last revision delivered: no gap, no duplicate', async () => {
    const relay = await proxy();
    const prefix = freshPrefix('cut');
    const watcher = await record(members([`http://127.0.0.1:${relay.port}`]), prefix, (await store.currentRevision()) + 1);
    const revs = [await put(`${prefix}a`, '1')];
    await watcher.until(() => watcher.events().length === 1, 'the first event');
    relay.cut();
    for (const name of ['b', 'c', 'd']) revs.push(await put(`${prefix}${name}`, '1'));
    relay.restore();
    revs.push(await put(`${prefix}a`, '2'));
    await watcher.until(() => watcher.events().length >= 5, 'the events written while it was cut off');
    expect(watcher.events()).toEqual([`put a@${revs[0]}`, `put b@${revs[1]}`, `put c@${revs[2]}`, `put d@${revs[3]}`, `put a@${revs[4]}`]);
    expect(watcher.disconnects.length).toBeGreaterThan(0);
    expect(watcher.errors).toEqual([]);
  });

  it('resumes after its member is killed and restarted', async () => {
    const prefix = freshPrefix('restart');
    const watcher = await record(members([etcd.endpoint]), prefix, (await store.currentRevision()) + 1);
    const first = await put(`${prefix}a`, '1');
    await watcher.until(() => watcher.events().length === 1, 'the first event');
    await etcd.kill();
    await etcd.restart();
    await reachable();
    const second = await put(`${prefix}a`, '2');
    await watcher.until(() => watcher.events().length >= 2, 'the event after the restart');
    expect(watcher.events()).toEqual([`put a@${first}`, `put a@${second}`]);
    expect(watcher.disconnects.length).toBeGreaterThan(0);
    expect(watcher.errors).toEqual([]);
  });

  it('moves to another member when its own stays unreachable', async () => {
    const [one, two] = [await proxy(), await proxy()];
    const prefix = freshPrefix('failover');
    const watcher = await record(members([`http://127.0.0.1:${one.port}`, `http://127.0.0.1:${two.port}`]), prefix, (await store.currentRevision()) + 1);
    const first = await put(`${prefix}a`, '1');
    await watcher.until(() => watcher.events().length === 1, 'the first event');
    // Only the watch uses these members: the one with a connection is the watch's.
    const [used, other] = one.connections > 0 ? [one, two] : [two, one];
    expect([used.connections, other.connections]).toEqual([1, 0]);
    used.cut();
    const later = [await put(`${prefix}b`, '1'), await put(`${prefix}c`, '1')];
    await watcher.until(() => watcher.events().length >= 3, 'the events through the other member');
    expect(watcher.events()).toEqual([`put a@${first}`, `put b@${later[0]}`, `put c@${later[1]}`]);
    expect(other.connections).toBe(1);
    expect(watcher.errors).toEqual([]);
  });

  it('ends with CompactedError, at etcd\'s compacted revision, when it resumes into compacted history', async () => {
    const relay = await proxy();
    const prefix = freshPrefix('compacted');
    const watcher = await record(members([`http://127.0.0.1:${relay.port}`]), prefix, (await store.currentRevision()) + 1);
    await put(`${prefix}a`, '1');
    await watcher.until(() => watcher.events().length === 1, 'the first event');
    relay.cut();
    await put(`${prefix}a`, '2');
    const last = await put(`${prefix}a`, '3');
    await store.compact(last);
    relay.restore();
    await watcher.until(() => watcher.errors.length > 0, 'an error');
    expect(watcher.errors).toHaveLength(1);
    expect(watcher.errors[0]).toBeInstanceOf(CompactedError);
    expect((watcher.errors[0] as CompactedError).compactRevision).toBe(last);
    expect(watcher.events()).toHaveLength(1);
  });

  it('refuses a watch from compacted history with CompactedError, or ends it so once established', async () => {
    const prefix = freshPrefix('too-old');
    const old = await put(`${prefix}a`, '1');
    const kept = await put(`${prefix}a`, '2');
    await store.compact(kept);
    const errors: Error[] = [];
    const outcome = await openEtcdWatch(members([etcd.endpoint]), prefix, old, { onBatch: () => undefined, onError: (e) => errors.push(e) }).then(
      async (watch) => {
        cleanups.push(() => watch.cancel());
        const deadline = Date.now() + 10_000;
        while (errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        return errors[0];
      },
      (err: Error) => err,
    );
    expect(outcome).toBeInstanceOf(CompactedError);
    expect((outcome as CompactedError).compactRevision).toBe(kept);
  });

  it('cancels while its member is unreachable at once, and calls no handler afterwards', async () => {
    const relay = await proxy();
    const prefix = freshPrefix('cancel');
    const watcher = await record(members([`http://127.0.0.1:${relay.port}`]), prefix, (await store.currentRevision()) + 1);
    relay.cut();
    await watcher.until(() => watcher.disconnects.length > 0, 'the disconnect');
    await watcher.watch.cancel();
    const seen = { batches: watcher.batches.length, disconnects: watcher.disconnects.length };
    relay.restore();
    const after = await put(`${prefix}a`, '1');
    const probe = await record(members([etcd.endpoint]), prefix, after);
    await probe.until(() => probe.events().length === 1, 'the write after the cancel');
    expect({ batches: watcher.batches.length, disconnects: watcher.disconnects.length }).toEqual(seen);
    expect(watcher.errors).toEqual([]);
  });

  it('gives up a watch still waiting for a member once its store is closed', async () => {
    const dead = members([`http://127.0.0.1:${await freePort()}`]);
    const disconnects: Error[] = [];
    const pending = openEtcdWatch(dead, freshPrefix('closed'), 1, { onBatch: () => undefined, onError: () => undefined, onDisconnected: (e) => disconnects.push(e) });
    const deadline = Date.now() + 10_000;
    while (disconnects.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(disconnects.length).toBeGreaterThan(0);
    dead.close();
    await expect(pending).rejects.toThrow(/closed/);
  });

  it('asks its member for a leader, as etcd\'s Go client does, so that one cut off from its quorum ends the stream', async () => {
    // A stand-in for etcd's Watch service that notes what the stream was opened with.
    const server = new grpc.Server();
    const opened = new Promise<grpc.Metadata>((resolve) => {
      const raw = (bytes: Buffer): Buffer => bytes;
      server.register('/etcdserverpb.Watch/Watch', (call: grpc.ServerDuplexStream<Buffer, Buffer>) => resolve(call.metadata), raw, raw, 'bidi');
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    const on = members([`http://127.0.0.1:${port}`]);
    const pending = openEtcdWatch(on, freshPrefix('leader'), 1, { onBatch: () => undefined, onError: () => undefined });
    expect((await opened).get('hasleader')).toEqual(['true']);
    server.forceShutdown();
    on.close();
    await expect(pending).rejects.toThrow(/closed/);
  });
});
