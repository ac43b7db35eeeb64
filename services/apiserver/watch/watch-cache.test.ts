import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEtcd, type EtcdInstance } from '../../../test/harness/etcd.js';
import { startProxy } from '../../../test/harness/tcp-proxy.js';
import type { Pod } from '../../../lib/api/generated/index.js';
import { ApiError, isApiError } from '../../../lib/api/errors.js';
import { openEtcdStore, type EtcdStore } from '../storage/etcd-store.js';
import { startCompactor } from './compactor.js';
import { cacheFixture, describeOut, filter, log, nextError, pod, putPod, removePod, take } from './test-support.js';

describe('WatchCache (real etcd)', () => {
  let etcd: EtcdInstance;
  let store: EtcdStore;
  const { newCache, watch, cleanup, stopAll } = cacheFixture(() => store);
  const put = (p: Pod): Promise<number> => putPod(store, p);
  const remove = (namespace: string, name: string): Promise<number> => removePod(store, namespace, name);

  beforeAll(async () => {
    etcd = await startEtcd();
    store = openEtcdStore([etcd.endpoint]);
  });
  afterEach(cleanup);
  afterAll(async () => {
    await store?.close();
    await etcd?.stop();
  });

  it('loads existing objects, serves get and list from memory, and pages with a consistent continue', async () => {
    for (let i = 0; i < 7; i++) await put(pod('list', `p${i}`, { labels: { tier: i % 2 ? 'odd' : 'even' } }));
    await put(pod('other', 'x'));
    const cache = await newCache();
    expect(cache.get('list', 'p3')?.metadata?.labels).toEqual({ tier: 'odd' });
    expect(Object.isFrozen(cache.get('list', 'p3'))).toBe(true);
    expect(cache.get('list', 'nope')).toBeUndefined();

    const first = cache.list(filter('list'), { limit: 3 });
    expect(first.items.map((p) => p.metadata?.name)).toEqual(['p0', 'p1', 'p2']);
    expect(first).toMatchObject({ remaining: 4, revision: cache.revision });
    // writes between pages do not show up in later pages: the list is one snapshot
    await put(pod('list', 'p3', { labels: { tier: 'changed' } }));
    await remove('list', 'p4');
    const added = await put(pod('list', 'p35'));
    await cache.waitUntilFresh(added, 20_000);
    const second = cache.list(filter('list'), { limit: 3, continue: first.continue });
    expect(second.items.map((p) => [p.metadata?.name, p.metadata?.labels?.tier])).toEqual([
      ['p3', 'odd'],
      ['p4', 'even'],
      ['p5', 'odd'],
    ]);
    expect(second.revision).toBe(first.revision);
    const third = cache.list(filter('list'), { limit: 3, continue: second.continue });
    expect(third.items.map((p) => p.metadata?.name)).toEqual(['p6']);
    expect(third).toMatchObject({ continue: '', remaining: 0 });

    const now = cache.list(filter('list', 'tier=even'));
    expect(now.items.map((p) => p.metadata?.name)).toEqual(['p0', 'p2', 'p6']);
    expect(cache.list(filter(''), { limit: 100 }).items.map((p) => p.metadata?.namespace)).toContain('other');
  });

  it('answers Expired for a continue token older than the window and BadRequest for garbage', async () => {
    for (let i = 0; i < 3; i++) await put(pod('old-continue', `p${i}`));
    const cache = await newCache({ windowSize: 2, maxWindowSize: 2, windowFreshMs: 0 });
    const first = cache.list(filter('old-continue'), { limit: 1 });
    let last = 0;
    for (let i = 0; i < 3; i++) last = await put(pod('old-continue', `q${i}`));
    await cache.waitUntilFresh(last, 20_000);
    expect(() => cache.list(filter('old-continue'), { limit: 1, continue: first.continue })).toThrow(/too old to display a consistent list/);
    expect(() => cache.list(filter('old-continue'), { continue: 'garbage' })).toThrow(ApiError);
  });

  it('delivers every event after a resourceVersion in order, and resumes from an older one in the window', async () => {
    const cache = await newCache();
    const start = cache.revision;
    const live = watch(cache, filter('order'), { resourceVersion: start });
    const revs: number[] = [];
    for (let i = 0; i < 5; i++) revs.push(await put(pod('order', `p${i}`)));
    revs.push(await put(pod('order', 'p1', { phase: 'Running' })));
    revs.push(await remove('order', 'p2'));
    const events = await take(live, 7);
    expect(events.map(describeOut)).toEqual([
      ...[0, 1, 2, 3, 4].map((i) => `ADDED p${i}@${revs[i]}`),
      `MODIFIED p1@${revs[5]}`,
      `DELETED p2@${revs[6]}`,
    ]);
    const deleted = events[6]!;
    expect(deleted.object.metadata?.resourceVersion).toBe(String(revs[6]));
    expect((deleted.object as Pod).status?.phase).toBe('Pending');

    await cache.waitUntilFresh(revs[6]!, 20_000);
    const resumed = await take(watch(cache, filter('order'), { resourceVersion: revs[2] }), 4);
    expect(resumed).toEqual(events.slice(3));
    // the same frozen instances go to every watcher
    resumed.forEach((out, i) => expect(out).toBe(events[3 + i]));
    expect(Object.isFrozen(resumed[0])).toBe(true);
  });

  it('says Gone for a resourceVersion older than the window', async () => {
    const cache = await newCache({ windowSize: 3, maxWindowSize: 3, windowFreshMs: 0 });
    const start = cache.revision;
    let last = 0;
    for (let i = 0; i < 6; i++) last = await put(pod('gone', `p${i}`));
    await cache.waitUntilFresh(last, 20_000);
    const err = await nextError(watch(cache, filter('gone'), { resourceVersion: start }));
    expect(isApiError(err, 'Expired')).toBe(true);
    expect((err as Error).message).toBe(`too old resource version: ${start} (${last - 3})`);
    // the oldest revision in the window still works
    expect((await take(watch(cache, filter('gone'), { resourceVersion: last - 3 }), 3)).map((e) => e.revision)).toEqual([last - 2, last - 1, last]);
  });

  it('replays etcd history at start, so a watch from before the start resumes without a gap', async () => {
    const before = await put(pod('history', 'a'));
    const changed = await put(pod('history', 'a', { node: 'n1' }));
    const removed = await remove('history', 'a');
    const added = await put(pod('history', 'b'));
    const cache = await newCache({ startHistoryRevisions: 1_000 });
    expect(cache.get('history', 'a')).toBeUndefined();
    expect(cache.revision).toBeGreaterThanOrEqual(added);
    const events = await take(watch(cache, filter('history'), { resourceVersion: before }), 3);
    expect(events.map(describeOut)).toEqual([`MODIFIED a@${changed}`, `DELETED a@${removed}`, `ADDED b@${added}`]);
    // without history, the same watch is older than the cache
    const plain = await newCache();
    expect(isApiError(await nextError(watch(plain, filter('history'), { resourceVersion: before })), 'Expired')).toBe(true);
  });

  it('starts from the current revision when the history it wants is compacted', async () => {
    const old = await put(pod('compacted-history', 'a'));
    const last = await put(pod('compacted-history', 'b'));
    await store.compact(last);
    const cache = await newCache({ startHistoryRevisions: 1_000 });
    expect(cache.get('compacted-history', 'b')).toBeDefined();
    expect(isApiError(await nextError(watch(cache, filter('compacted-history'), { resourceVersion: old })), 'Expired')).toBe(true);
  });

  it('turns selector transitions into ADDED and DELETED (a kubelet-style spec.nodeName watch)', async () => {
    const cache = await newCache();
    const onN1 = watch(cache, filter('', '', 'spec.nodeName=n1'), { resourceVersion: cache.revision });
    const labelled = watch(cache, filter('sel', 'app=web'), { resourceVersion: cache.revision });
    await put(pod('sel', 'a', { labels: { app: 'web' } }));
    await put(pod('sel', 'b', { node: 'n2' }));
    const bound = await put(pod('sel', 'a', { node: 'n1', labels: { app: 'web' } }));
    const running = await put(pod('sel', 'a', { node: 'n1', labels: { app: 'db' }, phase: 'Running' }));
    const moved = await put(pod('sel', 'a', { node: 'n2', labels: { app: 'db' } }));
    await put(pod('sel', 'marker', { node: 'n1', labels: { app: 'web' } }));

    const nodeEvents = await take(onN1, 3);
    expect(nodeEvents.map(describeOut).slice(0, 2)).toEqual([`ADDED a@${bound}`, `MODIFIED a@${running}`]);
    expect(describeOut(nodeEvents[2]!)).toBe(`DELETED a@${moved}`);
    // like Kubernetes, the DELETED of an object that stopped matching carries its new state
    expect((nodeEvents[2]!.object as Pod).spec?.nodeName).toBe('n2');
    expect((await take(onN1, 1))[0]!.object.metadata?.name).toBe('marker');

    const labelEvents = (await take(labelled, 4)).map(describeOut);
    expect(labelEvents.slice(0, 3)).toEqual([expect.stringMatching(/^ADDED a@/), `MODIFIED a@${bound}`, `DELETED a@${running}`]);
    expect(labelEvents[3]).toMatch(/^ADDED marker@/);
  });

  it('starts a watch from 0 with the current objects as ADDED, then live events', async () => {
    await put(pod('zero', 'a', { labels: { x: '1' } }));
    await put(pod('zero', 'b'));
    const cache = await newCache();
    const it0 = watch(cache, filter('zero', 'x=1'), { resourceVersion: 0, bookmarks: true });
    const initial = await take(it0, 2);
    expect(initial.map((e) => e.type)).toEqual(['ADDED', 'BOOKMARK']);
    expect(initial[0]!.object.metadata?.name).toBe('a');
    expect(initial[1]!.revision).toBe(cache.revision);
    const rev = await put(pod('zero', 'c', { labels: { x: '1' } }));
    expect((await take(it0, 1)).map(describeOut)).toEqual([`ADDED c@${rev}`]);
  });

  it('sends bookmarks periodically and on demand to watchers that ask for them', async () => {
    const cache = await newCache({ bookmarkIntervalMs: 150 });
    const quiet = watch(cache, filter('', '', 'spec.nodeName=idle-node'), { bookmarks: true, resourceVersion: cache.revision });
    const rev = await put(pod('bm', 'busy', { node: 'busy-node' }));
    const [bookmark] = await take(quiet, 1, 20_000);
    expect(bookmark).toMatchObject({ type: 'BOOKMARK', revision: rev, object: { metadata: { resourceVersion: String(rev) } } });
    expect(Object.keys(bookmark!.object)).toEqual(['metadata']);

    const slowCache = await newCache({ bookmarkIntervalMs: 3_600_000 });
    const onDemand = watch(slowCache, filter('', '', 'spec.nodeName=idle-node'), { bookmarks: true, resourceVersion: slowCache.revision });
    const without = watch(slowCache, filter('', '', 'spec.nodeName=idle-node'), { bookmarks: false, resourceVersion: slowCache.revision });
    const rev2 = await put(pod('bm', 'busy2', { node: 'busy-node' }));
    await slowCache.waitUntilFresh(rev2, 20_000);
    slowCache.sendBookmarks();
    expect((await take(onDemand, 1))[0]).toMatchObject({ type: 'BOOKMARK', revision: rev2 });
    const marker = await put(pod('bm', 'marker', { node: 'idle-node' }));
    expect((await take(without, 1)).map(describeOut)).toEqual([`ADDED marker@${marker}`]);
  });

  it('serves 1,000 watchers from one etcd watch, handing them the same event object', async () => {
    const watchSpy = vi.spyOn(store, 'watch');
    try {
      const cache = await newCache();
      const iters = Array.from({ length: 1000 }, (_, i) =>
        watch(cache, i % 2 ? filter('many') : filter('', '', `spec.nodeName=node-${i}`), { resourceVersion: cache.revision }),
      );
      const rev = await put(pod('many', 'p', { node: 'node-0' }));
      const received = await Promise.all(iters.filter((_, i) => i % 2 === 1 || i === 0).map((it) => take(it, 1)));
      expect(received).toHaveLength(501);
      const first = received[0]![0]!;
      expect(first).toMatchObject({ type: 'ADDED', revision: rev });
      for (const [out] of received) expect(out).toBe(first);
      expect(watchSpy).toHaveBeenCalledTimes(1);
      expect(cache.watcherCount).toBe(1000);
    } finally {
      watchSpy.mockRestore();
    }
  });

  it('cuts off a watcher that does not keep up, without holding up the others', async () => {
    const cache = await newCache({ watcherQueueLimit: 5 });
    const slow = watch(cache, filter('slow'), { resourceVersion: cache.revision });
    const slowFirst = take(slow, 1);
    const fast = watch(cache, filter('slow'), { resourceVersion: cache.revision });
    const fastEvents = take(fast, 8);
    for (let i = 0; i < 8; i++) await put(pod('slow', `p${i}`));
    expect(await fastEvents).toHaveLength(8);
    expect(await slowFirst).toHaveLength(1);
    const err = await nextError(slow);
    expect(isApiError(err, 'TooManyRequests')).toBe(true);
    expect(cache.watcherCount).toBe(1);
  });

  it('waits for a revision it has not seen yet, and times out like Kubernetes', async () => {
    const cache = await newCache({ freshnessWaitMs: 200 });
    const writing = put(pod('fresh', 'a'));
    const rev = await writing;
    await cache.waitUntilFresh(rev, 20_000);
    expect(cache.get('fresh', 'a')).toBeDefined();
    await expect(cache.waitUntilFresh(rev + 1000, 100)).rejects.toThrow(new RegExp(`^Too large resource version: ${rev + 1000}, current: \\d+$`));
    const err = await nextError(watch(cache, filter('fresh'), { resourceVersion: rev + 1000 }));
    expect(isApiError(err, 'Timeout')).toBe(true);
  });

  it('catches up to a revision written to another resource, keeping its progress key out of sight', async () => {
    const cache = await newCache();
    const watcher = watch(cache, filter(''), { resourceVersion: cache.revision });
    const foreign = await store.create('/registry/configmaps/default/elsewhere', Buffer.from('x'));
    const revision = foreign.ok ? foreign.revision : 0;
    // No pod event will ever carry this revision: only the progress key can bring the cache there.
    await cache.waitUntilFresh(revision, 20_000);
    expect(cache.revision).toBeGreaterThanOrEqual(revision);
    expect(cache.list(filter('')).items.every((p) => p.metadata?.name)).toBe(true);
    const marker = await put(pod('progress', 'marker'));
    expect((await take(watcher, 1)).map(describeOut)).toEqual([`ADDED marker@${marker}`]);
  });

  it('ends watches on stop', async () => {
    const cache = await newCache();
    const it1 = watch(cache, filter('stop'), { resourceVersion: cache.revision });
    const pending = it1.next();
    await cache.stop();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    expect(cache.watcherCount).toBe(0);
  });

  it('resumes its etcd watch after a connection loss without gaps or duplicates', async () => {
    const proxy = await startProxy(Number(new URL(etcd.endpoint).port));
    const proxied = openEtcdStore([`http://127.0.0.1:${proxy.port}`]);
    try {
      const cache = await newCache({}, proxied);
      const watcher = watch(cache, filter('reconnect'), { resourceVersion: cache.revision });
      const revs = [await put(pod('reconnect', 'a'))];
      expect((await take(watcher, 1)).map((e) => e.revision)).toEqual(revs);
      proxy.cut();
      for (const name of ['b', 'c', 'd']) revs.push(await put(pod('reconnect', name)));
      proxy.restore();
      revs.push(await put(pod('reconnect', 'e')));
      expect((await take(watcher, 4, 30_000)).map((e) => e.revision)).toEqual(revs.slice(1));
      const marker = await put(pod('reconnect', 'marker'));
      expect((await take(watcher, 1, 20_000)).map((e) => e.revision)).toEqual([marker]);
    } finally {
      await stopAll();
      await proxied.close();
      await proxy.close();
    }
  }, 90_000);

  it('terminates watchers with Gone and relists when its etcd watch resumes into compacted history', async () => {
    const proxy = await startProxy(Number(new URL(etcd.endpoint).port));
    const proxied = openEtcdStore([`http://127.0.0.1:${proxy.port}`]);
    try {
      await put(pod('compact', 'before'));
      const cache = await newCache({}, proxied);
      const watcher = watch(cache, filter('compact'), { resourceVersion: cache.revision });
      const oldRevision = cache.revision;

      proxy.cut();
      await put(pod('compact', 'during-1'));
      const last = await put(pod('compact', 'during-2'));
      await store.compact(last);
      proxy.restore();

      const err = await nextError(watcher, 30_000);
      expect(isApiError(err, 'Expired')).toBe(true);
      await cache.waitUntilFresh(last, 30_000);
      expect(cache.list(filter('compact')).items.map((p) => p.metadata?.name)).toEqual(['before', 'during-1', 'during-2']);
      const tooOld = await nextError(watch(cache, filter('compact'), { resourceVersion: oldRevision }));
      expect((tooOld as Error).message).toMatch(/^too old resource version/);
      const fresh = watch(cache, filter('compact'), { resourceVersion: cache.revision });
      const after = await put(pod('compact', 'after'));
      expect((await take(fresh, 1, 20_000)).map(describeOut)).toEqual([`ADDED after@${after}`]);
    } finally {
      await stopAll();
      await proxied.close();
      await proxy.close();
    }
  }, 90_000);

  it('compacts etcd to the revision seen at the previous tick, tolerating other compactors', async () => {
    const compactor = startCompactor({ store, intervalMs: 3_600_000, keepRevisions: 2, log });
    const other = startCompactor({ store, intervalMs: 3_600_000, keepRevisions: 2, log });
    try {
      await compactor.runOnce();
      await other.runOnce();
      const seen = await store.currentRevision();
      for (let i = 0; i < 5; i++) await put(pod('compactor', `p${i}`));
      await compactor.runOnce();
      await expect(store.list('/registry/pods/', { revision: seen - 1, limit: 1 })).rejects.toThrow(/compacted/);
      await expect(store.list('/registry/pods/', { revision: seen, limit: 1 })).resolves.toBeDefined();
      await other.runOnce();
    } finally {
      compactor.stop();
      other.stop();
    }
  });
});
