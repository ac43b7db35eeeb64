import { setMaxListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isApiError } from '../../../lib/api/errors.js';
import type * as t from '../../../lib/api/generated/index.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { isExpiredError, type WatchEvent } from '../../../lib/client/resource-client.js';
import { resources } from '../../../lib/api/resources.js';
import { openEtcdStore } from '../../../services/apiserver/storage/etcd-store.js';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { within } from '../../harness/poll.js';
import { lookupMessage } from '../../../lib/api/proto.js';
import { encodeMessage } from '../../../services/apiserver/grpc-service.js';
import { configMap, etcdWatcherCount, eventually, nsObject, pod, rawClient, sleep, tokenMetadata } from './helpers.js';

// Issue 3, "Must show": ordered watch events from a resourceVersion, no gaps or duplicates when the
// client moves to another (or a restarted) apiserver, Expired then relist, selector transitions
// (a spec.nodeName watch sees a pod when it is bound), 1,000 watches on one etcd watcher.

let cp: ControlPlane;
let client: ApiClient;

const WINDOW = 20;

beforeAll(async () => {
  cp = await startControlPlane({ apiservers: 2, apiserver: { watchCacheSize: WINDOW } });
  client = cp.client([cp.apiservers[0]!.address]);
});

afterAll(async () => {
  await cp?.stop();
});

type Seen = { type: string; name: string; rv: number };

/** Reads events until `done` says so or timeoutMs passes; the watch is cancelled either way. */
async function collect<T extends { metadata?: t.ObjectMeta }>(
  start: (signal: AbortSignal) => AsyncIterable<WatchEvent<T>>,
  done: (seen: Seen[]) => boolean,
  timeoutMs = 30_000,
): Promise<Seen[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const seen: Seen[] = [];
  try {
    for await (const ev of start(abort.signal)) {
      if (ev.type === 'BOOKMARK') continue;
      seen.push({ type: ev.type, name: ev.object.metadata?.name ?? '', rv: Number(ev.object.metadata?.resourceVersion) });
      if (done(seen)) break;
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return seen;
}

describe('events from a resourceVersion', () => {
  it('are every change after it, in order, each once', async () => {
    const cms = client.resource('configMap');
    await client.resource('namespace').create(nsObject('ordered'));
    const a = await cms.create(configMap('a', 'ordered'));
    const b = await cms.create(configMap('b', 'ordered'));
    const c = await cms.create(configMap('c', 'ordered'));
    const a2 = await cms.patch('ordered', 'a', { data: { v: '2' } });
    const bDel = await cms.delete('ordered', 'b');
    const d = await cms.create(configMap('d', 'ordered'));
    const expected: Seen[] = [
      { type: 'ADDED', name: 'c', rv: Number(c.metadata?.resourceVersion) },
      { type: 'MODIFIED', name: 'a', rv: Number(a2.metadata?.resourceVersion) },
      { type: 'DELETED', name: 'b', rv: Number(bDel.metadata?.resourceVersion) },
      { type: 'ADDED', name: 'd', rv: Number(d.metadata?.resourceVersion) },
    ];
    const seen = await collect((signal) => cms.watch('ordered', { resourceVersion: b.metadata?.resourceVersion, signal }), (s) => s.length >= 4);
    expect(seen).toEqual(expected);
    expect(a.metadata?.resourceVersion).toBeDefined();

    // The other apiserver serves the same history.
    const other = cp.client([cp.apiservers[1]!.address]);
    const seenOther = await collect((signal) => other.resource('configMap').watch('ordered', { resourceVersion: b.metadata?.resourceVersion, signal }), (s) => s.length >= 4);
    expect(seenOther).toEqual(expected);
  });

  it('starts with ADDED for every existing object when no resourceVersion is given', async () => {
    const seen = await collect((signal) => client.resource('configMap').watch('ordered', { signal }), (s) => s.length >= 3);
    expect(seen.map((s) => [s.type, s.name]).sort()).toEqual([['ADDED', 'a'], ['ADDED', 'c'], ['ADDED', 'd']]);
  });

  it('filters by label selector, with ADDED/DELETED when an object starts or stops matching', async () => {
    const cms = client.resource('configMap');
    const start = await cms.list('ordered');
    await cms.patch('ordered', 'c', { metadata: { labels: { watched: 'yes' } } });
    await cms.patch('ordered', 'c', { data: { x: '1' } });
    await cms.patch('ordered', 'd', { data: { x: '1' } });
    await cms.patch('ordered', 'c', { metadata: { labels: { watched: 'no' } } });
    const seen = await collect(
      (signal) => cms.watch('ordered', { resourceVersion: start.resourceVersion, labelSelector: 'watched=yes', signal }),
      (s) => s.length >= 3,
    );
    expect(seen.map((s) => [s.type, s.name])).toEqual([['ADDED', 'c'], ['MODIFIED', 'c'], ['DELETED', 'c']]);
  });
});

describe('spec.nodeName watch', () => {
  it('sees a pod as ADDED when it is bound to the node, and DELETED when it goes', async () => {
    const pods = client.resource('pod');
    const start = await pods.list('');
    const seenPromise = collect(
      (signal) => pods.watch('', { resourceVersion: start.resourceVersion, fieldSelector: 'spec.nodeName=n1', signal }),
      (s) => s.length >= 3,
    );
    await pods.create(pod('for-n1'));
    await pods.create(pod('for-n2'));
    await client.bind('default', { metadata: { name: 'for-n2' }, target: { kind: 'Node', name: 'n2' } });
    await client.bind('default', { metadata: { name: 'for-n1' }, target: { kind: 'Node', name: 'n1' } });
    const running = await pods.get('default', 'for-n1');
    await pods.updateStatus({ ...running, status: { ...running.status, phase: 'Running' } });
    await pods.delete('default', 'for-n1', { gracePeriodSeconds: 0 });
    const seen = await seenPromise;
    expect(seen.map((s) => [s.type, s.name])).toEqual([['ADDED', 'for-n1'], ['MODIFIED', 'for-n1'], ['DELETED', 'for-n1']]);
  });
});

describe('Expired', () => {
  it('answers a watch from a revision older than the cache window, and a relist recovers', async () => {
    const cms = client.resource('configMap');
    await client.resource('namespace').create(nsObject('churn'));
    const first = await cms.create(configMap('churn', 'churn'));
    // Older than WINDOW events (and the 10x window the cache keeps while fresh).
    for (let i = 0; i < WINDOW * 10 + 20; i++) await cms.patch('churn', 'churn', { data: { i: String(i) } });
    let caught: unknown;
    try {
      await collect((signal) => cms.watch('churn', { resourceVersion: first.metadata?.resourceVersion, signal }), () => true, 30_000);
    } catch (err) {
      caught = err;
    }
    expect(isExpiredError(caught)).toBe(true);
    expect(String((caught as Error).message)).toMatch(/too old resource version/);

    const relist = await cms.list('churn');
    const next = cms.patch('churn', 'churn', { data: { i: 'after-relist' } });
    const seen = await collect((signal) => cms.watch('churn', { resourceVersion: relist.resourceVersion, signal }), (s) => s.length >= 1);
    expect(seen[0]?.rv).toBe(Number((await next).metadata?.resourceVersion));
  });

  it('answers a continue token after etcd compacted its revision, and a new list works', async () => {
    const cms = client.resource('configMap');
    for (let i = 0; i < 6; i++) await cms.create(configMap(`page-${i}`, 'churn'));
    const page = await cms.list('churn', { limit: 2 });
    expect(page.continue).not.toBe('');
    await cms.create(configMap('page-later', 'churn'));
    const store = openEtcdStore([cp.etcd.endpoint]);
    try {
      await store.compact(await store.currentRevision());
    } finally {
      await store.close();
    }
    let caught: unknown;
    try {
      await cms.list('churn', { limit: 2, continue: page.continue });
    } catch (err) {
      caught = err;
    }
    expect(isExpiredError(caught)).toBe(true);
    const all = await cms.listAll('churn', { limit: 2 });
    expect(all.items.map((c) => c.metadata?.name)).toContain('page-later');
  });

  it('keeps watches served after a compaction (the cache holds their window)', async () => {
    const cms = client.resource('configMap');
    const start = await cms.list('churn');
    const done = collect((signal) => cms.watch('churn', { resourceVersion: start.resourceVersion, signal }), (s) => s.length >= 1);
    await cms.create(configMap('after-compaction', 'churn'));
    expect((await done).map((s) => s.name)).toEqual(['after-compaction']);
  });
});

describe('1,000 watches', () => {
  it('share one etcd watch per resource', async () => {
    const etcdWatchersBefore = await etcdWatcherCount(cp);
    // Every apiserver watches each resource exactly once.
    expect(etcdWatchersBefore).toBe(cp.apiservers.length * resources.filter((r) => r.stored).length);
    await client.resource('namespace').create(nsObject('many'));
    const start = await client.resource('pod').list('many');
    const abort = new AbortController();
    setMaxListeners(2_000, abort.signal);
    const got = new Set<number>();
    const watches = Array.from({ length: 1000 }, async (_, i) => {
      for await (const ev of client.resource('pod').watch(i % 2 ? 'many' : '', { resourceVersion: start.resourceVersion, signal: abort.signal })) {
        if (ev.object.metadata?.name === 'fan-out') {
          got.add(i);
          return;
        }
      }
    });
    try {
      await client.resource('pod').create(pod('fan-out', 'many'));
      await eventually(async () => got.size === 1000, 30_000, 'all 1000 watchers got the event');
      expect(await etcdWatcherCount(cp)).toBe(etcdWatchersBefore);
    } finally {
      abort.abort();
      await Promise.allSettled(watches);
    }
  });
});

describe('events waiting for a busy stream', () => {
  interface RawEvent {
    type: string;
    object?: { configMap?: { metadata?: { name?: string; resourceVersion?: string } } };
    following?: RawEvent[];
  }

  /** The messages of a raw gRPC watch read after all the writes were made, until `count` events arrived. */
  async function rawWatch(namespace: string, batchEvents: boolean, write: () => Promise<void>, count: number): Promise<RawEvent[]> {
    const raw = rawClient(cp, cp.apiservers[0]!.address);
    const type = lookupMessage('WatchEvent');
    // From the revision before the writes, so every event is live (in revision order), not a listed one.
    const { resourceVersion } = await client.resource('configMap').list(namespace);
    const request = encodeMessage('kubets.v1.WatchRequest', { resource: 'configmaps', namespace, resourceVersion, batchEvents });
    const stream = raw.client.makeServerStreamRequest('/kubets.v1.Resources/Watch', (b: Buffer) => b, (b: Buffer) => b, request, tokenMetadata(cp.token));
    // Not read while the writes go on: the stream fills its HTTP/2 window and the server's writes wait.
    stream.pause();
    const messages: RawEvent[] = [];
    try {
      const done = new Promise<void>((resolve, reject) => {
        let events = 0;
        stream.on('data', (bytes: Buffer) => {
          const message = type.toObject(type.decode(bytes)) as RawEvent;
          messages.push(message);
          events += 1 + (message.following?.length ?? 0);
          if (events >= count) resolve();
        });
        stream.on('error', reject);
      });
      await write();
      stream.resume();
      await within(done, 30_000, 'the watch');
    } finally {
      stream.cancel();
      raw.close();
    }
    return messages;
  }

  const write = (namespace: string, count: number) => async (): Promise<void> => {
    const data = { filler: 'x'.repeat(2048) };
    for (let i = 0; i < count; i += 20) {
      await Promise.all(Array.from({ length: Math.min(20, count - i) }, (_, k) => client.resource('configMap').create(configMap(`cm-${String(i + k).padStart(3, '0')}`, namespace, undefined, data))));
    }
  };

  const flatten = (messages: RawEvent[]): { type: string; name: string; rv: number }[] =>
    messages.flatMap((m) => [m, ...(m.following ?? [])]).map((e) => ({ type: e.type, name: e.object?.configMap?.metadata?.name ?? '', rv: Number(e.object?.configMap?.metadata?.resourceVersion) }));

  it('reach a watch that reads `following` together, each once and in order', async () => {
    await client.resource('namespace').create(nsObject('batched'));
    const messages = await rawWatch('batched', true, write('batched', 200), 200);
    const events = flatten(messages);
    expect(events.map((e) => e.type)).toEqual(Array(200).fill('ADDED'));
    expect(new Set(events.map((e) => e.name)).size).toBe(200);
    expect(events.map((e) => e.rv)).toEqual([...events.map((e) => e.rv)].sort((a, b) => a - b));
    expect(messages.length).toBeLessThan(200);
  });

  it('reach a watch that does not, one message each', async () => {
    await client.resource('namespace').create(nsObject('unbatched'));
    const messages = await rawWatch('unbatched', false, write('unbatched', 100), 100);
    expect(messages).toHaveLength(100);
    expect(messages.every((m) => (m.following ?? []).length === 0)).toBe(true);
    expect(new Set(flatten(messages).map((e) => e.name)).size).toBe(100);
  });
});

describe('a restarted apiserver', () => {
  it('resumes a watch from before its start when only other resources changed since', async () => {
    const cms = client.resource('configMap');
    await client.resource('namespace').create(nsObject('quiet'));
    const last = await cms.create(configMap('quiet-1', 'quiet'));
    // Only a pod changes after the client's last configmap event.
    await client.resource('pod').create(pod('elsewhere', 'quiet'));
    const restarted = await cp.addApiserver();
    const resumed = cp.client([restarted.address]);
    const seen = collect((signal) => resumed.resource('configMap').watch('quiet', { resourceVersion: last.metadata?.resourceVersion, signal }), (s) => s.length >= 1);
    const next = await cms.create(configMap('quiet-2', 'quiet'));
    expect(await seen).toEqual([{ type: 'ADDED', name: 'quiet-2', rv: Number(next.metadata?.resourceVersion) }]);
  });
});

describe('moving between apiservers', () => {
  it('resumes from the last resourceVersion with no gap and no duplicate', async () => {
    await client.resource('namespace').create(nsObject('moving'));
    const cms = client.resource('configMap');
    const start = await cms.list('moving');
    const written: number[] = [];
    let writing = true;
    const writer = (async () => {
      const w = cp.client([cp.apiservers[1]!.address]);
      for (let i = 0; writing && i < 2_000; i++) {
        const made = await w.resource('configMap').create(configMap(`w-${i}`, 'moving'));
        written.push(Number(made.metadata?.resourceVersion));
        await sleep(5);
      }
    })();
    const stopWriting = async (): Promise<void> => {
      writing = false;
      await writer;
    };
    try {
      const seen: number[] = [];
      const watchOn = async (c: ApiClient, until: () => boolean): Promise<void> => {
        const abort = new AbortController();
        try {
          for (let attempt = 0; attempt < 50 && !until(); attempt++) {
            try {
              const last = seen.at(-1) ?? Number(start.resourceVersion);
              for await (const ev of c.resource('configMap').watch('moving', { resourceVersion: String(last), signal: abort.signal })) {
                if (ev.type !== 'BOOKMARK') seen.push(Number(ev.object.metadata?.resourceVersion));
                if (until()) break;
              }
            } catch (err) {
              if (!isApiError(err, 'ServiceUnavailable')) throw err;
              await sleep(100);
            }
          }
        } finally {
          abort.abort();
        }
      };

      // Phase 1: a client that knows both servers watches on server 0, which is then stopped.
      const both = cp.client([cp.apiservers[0]!.address, cp.apiservers[1]!.address]);
      const phase1 = watchOn(both, () => seen.length >= 150);
      await eventually(async () => seen.length >= 30, 30_000, 'first events on server 0');
      // Open watches end with the server instead of holding its shutdown forever.
      await within(cp.apiservers[0]!.stop(), 20_000, 'stopping an apiserver with open watches');
      await phase1;

      // Phase 2: a restarted apiserver; the client resumes there from its last resourceVersion,
      // older than the revision the new apiserver started at (writes went on through server 1).
      await eventually(async () => (written.at(-1) ?? 0) > (seen.at(-1) ?? 0) + 20, 30_000, 'writes while no client watches');
      const restarted = await cp.addApiserver();
      const fresh = cp.client([restarted.address]);
      await watchOn(fresh, () => seen.length >= 250);
      await stopWriting();
      const total = written.length;
      await watchOn(fresh, () => seen.length >= total);
      expect(seen).toEqual([...written].sort((x, y) => x - y));
    } finally {
      await stopWriting().catch(() => undefined);
    }
  });
});
