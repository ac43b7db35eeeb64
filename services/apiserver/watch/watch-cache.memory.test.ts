import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isApiError } from '../../../lib/api/errors.js';
import { resourceByField } from '../../../lib/api/resources.js';
import type { Pod } from '../../../lib/api/generated/index.js';
import { encodeForStorage } from '../storage/codec.js';
import { objectKey } from '../storage/keys.js';
import { MemoryStore } from '../storage/testing/memory-store.js';
import { cacheFixture, collectGarbage, describeOut, filter, nextError, pod, putPod, removePod, take } from './test-support.js';
import type { WatchFilter, WatchOut } from './types.js';
import { INITIAL_EVENTS_END_ANNOTATION, type WatchCache } from './watch-cache.js';

// The watch cache's own logic on MemoryStore, without etcd (watch-cache.test.ts covers etcd's
// side: reconnection, its progress key, real compaction).

const pods = resourceByField('pod');

/** Creates pods in one transaction, as the etcd store's group commit does: all at one revision. */
async function createTogether(store: MemoryStore, ...all: Pod[]): Promise<number> {
  const [first, ...rest] = all.map((p) => ({ key: objectKey(pods, p.metadata!.namespace!, p.metadata!.name!), value: encodeForStorage(pods, p) }));
  const res = await store.create(first!.key, first!.value, { compares: [], puts: rest });
  if (!res.ok) throw new Error('create failed');
  return res.revision;
}

describe('WatchCache (MemoryStore)', () => {
  let store: MemoryStore;
  const { newCache, watch, cleanup } = cacheFixture(() => store);
  beforeEach(() => {
    store = new MemoryStore();
  });
  afterEach(cleanup);

  /** A cache whose window of two events has moved past the revision it started at (old). */
  async function cachePastItsWindow() {
    const cache = await newCache({ windowSize: 2, maxWindowSize: 2, windowFreshMs: 0 });
    const old = cache.revision;
    let last = 0;
    for (let i = 0; i < 4; i++) last = await putPod(store, pod('ns', `p${i}`));
    await cache.waitUntilFresh(last, 20_000);
    return { cache, old, last };
  }

  it('delivers every change in revision order, each once', async () => {
    const cache = await newCache();
    const w = watch(cache, filter('ns'), { resourceVersion: cache.revision });
    const added = await putPod(store, pod('ns', 'a'));
    const modified = await putPod(store, pod('ns', 'a', { phase: 'Running' }));
    await putPod(store, pod('elsewhere', 'x'));
    const deleted = await removePod(store, 'ns', 'a');
    expect((await take(w, 3)).map(describeOut)).toEqual([`ADDED a@${added}`, `MODIFIED a@${modified}`, `DELETED a@${deleted}`]);
    expect(cache.revision).toBe(deleted);
  });

  it('keeps a stored value that arrives as a view of a larger message in a buffer of its own', async () => {
    const cache = await newCache();
    const bytes = encodeForStorage(pods, pod('ns', 'a'));
    const message = Buffer.alloc(bytes.length + 64 * 1024);
    bytes.copy(message, 100);
    const res = await store.create(objectKey(pods, 'ns', 'a'), message.subarray(100, 100 + bytes.length));
    if (!res.ok) throw new Error('create failed');
    await cache.waitUntilFresh(res.revision, 1_000);
    const kept = cache.stored('ns', 'a')!.value;
    expect(kept.equals(bytes)).toBe(true);
    expect(kept.buffer).not.toBe(message.buffer);
  });

  it('hands on what storage holds for each added or modified object, so the server can send those bytes', async () => {
    const cache = await newCache();
    const w = watch(cache, filter('ns'), { resourceVersion: cache.revision });
    await putPod(store, pod('ns', 'a'));
    await putPod(store, pod('ns', 'a', { phase: 'Running' }));
    await removePod(store, 'ns', 'a');
    const [added, modified, deleted] = await take(w, 3);
    expect(added!.stored).toEqual(encodeForStorage(pods, pod('ns', 'a')));
    expect(modified!.stored).toEqual(encodeForStorage(pods, pod('ns', 'a', { phase: 'Running' })));
    // A deletion sends the last state, which storage no longer holds.
    expect(deleted!.stored).toBeUndefined();
  });

  it('resumes a watch from an older revision in its window', async () => {
    const cache = await newCache();
    const first = await putPod(store, pod('ns', 'a'));
    const second = await putPod(store, pod('ns', 'b'));
    const third = await putPod(store, pod('ns', 'c'));
    await cache.waitUntilFresh(third, 20_000);
    const resumed = watch(cache, filter('ns'), { resourceVersion: first });
    expect((await take(resumed, 2)).map(describeOut)).toEqual([`ADDED b@${second}`, `ADDED c@${third}`]);
  });

  it('replays history at start, so a watch from before the start has no gap', async () => {
    const before = await putPod(store, pod('ns', 'a'));
    const after = await putPod(store, pod('ns', 'b'));
    const cache = await newCache({ startHistoryRevisions: 100 });
    expect((await take(watch(cache, filter('ns'), { resourceVersion: before }), 1)).map(describeOut)).toEqual([`ADDED b@${after}`]);
  });

  it('says Gone (Expired) for a revision older than its window', async () => {
    const { cache, old } = await cachePastItsWindow();
    const err = await nextError(watch(cache, filter('ns'), { resourceVersion: old }));
    expect(isApiError(err, 'Expired')).toBe(true);
    expect((err as Error).message).toMatch(/^too old resource version/);
  });

  it('when its storage watch is lost to compaction, tells watchers Gone and relists', async () => {
    const cache = await newCache();
    const w = watch(cache, filter('ns'), { resourceVersion: cache.revision });
    await putPod(store, pod('ns', 'a'));
    await take(w, 1);
    store.dropWatches();
    const during = await putPod(store, pod('ns', 'b'));
    await store.compact(during);
    expect(isApiError(await nextError(w), 'Expired')).toBe(true);

    await cache.waitUntilFresh(during, 20_000);
    expect(cache.list(filter('ns')).items.map((p) => p.metadata?.name)).toEqual(['a', 'b']);
    const fresh = watch(cache, filter('ns'), { resourceVersion: cache.revision });
    const after = await putPod(store, pod('ns', 'c'));
    expect((await take(fresh, 1, 20_000)).map(describeOut)).toEqual([`ADDED c@${after}`]);
  });

  it('starts from the current revision when the history it wants is compacted', async () => {
    await putPod(store, pod('ns', 'a'));
    const last = await putPod(store, pod('ns', 'b'));
    await store.compact(last);
    const cache = await newCache({ startHistoryRevisions: 100 });
    expect(cache.revision).toBe(last);
    expect(cache.list(filter('ns')).items).toHaveLength(2);
  });

  it('turns selector transitions into ADDED and DELETED', async () => {
    const cache = await newCache();
    const w = watch(cache, filter('', '', 'spec.nodeName=node-1'), { resourceVersion: cache.revision });
    await putPod(store, pod('ns', 'p'));
    const bound = await putPod(store, pod('ns', 'p', { node: 'node-1' }));
    const running = await putPod(store, pod('ns', 'p', { node: 'node-1', phase: 'Running' }));
    const moved = await putPod(store, pod('ns', 'p', { node: 'node-2' }));
    expect((await take(w, 3)).map(describeOut)).toEqual([`ADDED p@${bound}`, `MODIFIED p@${running}`, `DELETED p@${moved}`]);
  });

  it('catches up to a revision written to another resource through a progress request', async () => {
    const cache = await newCache();
    const elsewhere = await store.create('/registry/configmaps/ns/c', Buffer.from('x'));
    if (!elsewhere.ok) throw new Error('write failed');
    await cache.waitUntilFresh(elsewhere.revision, 20_000);
    expect(cache.revision).toBeGreaterThanOrEqual(elsewhere.revision);
  });

  describe('several objects at one revision (created in one transaction)', () => {
    it('delivers all of them, in order, and a watch from that revision starts after them', async () => {
      const cache = await newCache();
      const before = cache.revision;
      const together = await createTogether(store, pod('ns', 'a'), pod('ns', 'b'), pod('ns', 'c'));
      const alone = await putPod(store, pod('ns', 'd'));
      await cache.waitUntilFresh(alone, 20_000);
      expect((await take(watch(cache, filter('ns'), { resourceVersion: before }), 4)).map(describeOut)).toEqual([
        `ADDED a@${together}`,
        `ADDED b@${together}`,
        `ADDED c@${together}`,
        `ADDED d@${alone}`,
      ]);
      expect((await take(watch(cache, filter('ns'), { resourceVersion: together }), 1)).map(describeOut)).toEqual([`ADDED d@${alone}`]);
      expect(cache.list(filter('ns')).items.map((p) => [p.metadata?.name, p.metadata?.resourceVersion])).toEqual([
        ['a', String(together)],
        ['b', String(together)],
        ['c', String(together)],
        ['d', String(alone)],
      ]);
    });

    it('pages a list consistently at a revision several objects share', async () => {
      const cache = await newCache();
      const together = await createTogether(store, pod('ns', 'a'), pod('ns', 'b'), pod('ns', 'c'));
      await cache.waitUntilFresh(together, 20_000);
      const first = cache.list(filter('ns'), { limit: 1 });
      expect(first).toMatchObject({ revision: together, remaining: 2 });
      const later = await createTogether(store, pod('ns', 'b2'), pod('ns', 'c2'));
      await cache.waitUntilFresh(later, 20_000);
      const rest = cache.list(filter('ns'), { continue: first.continue });
      expect(rest.items.map((p) => p.metadata?.name)).toEqual(['b', 'c']);
      expect(rest.revision).toBe(together);
    });

    it('sends a bookmark only after whole revisions', async () => {
      const cache = await newCache();
      const w = watch(cache, filter('ns'), { resourceVersion: cache.revision, bookmarks: true });
      const together = await createTogether(store, pod('ns', 'a'), pod('ns', 'b'), pod('elsewhere', 'x'));
      const unseen = await createTogether(store, pod('elsewhere', 'y'), pod('elsewhere', 'z'));
      await cache.waitUntilFresh(unseen, 20_000);
      cache.sendBookmarks();
      expect((await take(w, 3)).map((o) => `${o.type}@${o.revision}`)).toEqual([`ADDED@${together}`, `ADDED@${together}`, `BOOKMARK@${unseen}`]);
    });

    it('says Gone for the revision before a shared one its window dropped, and resumes from that revision', async () => {
      const cache = await newCache({ windowSize: 2, maxWindowSize: 2, windowFreshMs: 0 });
      const together = await createTogether(store, pod('ns', 'a'), pod('ns', 'b'), pod('ns', 'c'));
      const alone = await putPod(store, pod('ns', 'd'));
      await cache.waitUntilFresh(alone, 20_000);
      expect(isApiError(await nextError(watch(cache, filter('ns'), { resourceVersion: together - 1 })), 'Expired')).toBe(true);
      expect((await take(watch(cache, filter('ns'), { resourceVersion: together }), 1)).map(describeOut)).toEqual([`ADDED d@${alone}`]);
    });

    describe('told again to a watch that replays a shared revision (a client resuming from its last event)', () => {
      const replay = (cache: WatchCache, f: WatchFilter, resourceVersion: number) => watch(cache, f, { resourceVersion, replaySharedRevision: true });

      it('repeats every event of the revision it starts from, then goes on', async () => {
        const cache = await newCache();
        const together = await createTogether(store, pod('ns', 'a'), pod('ns', 'b'), pod('ns', 'c'));
        const alone = await putPod(store, pod('ns', 'd'));
        await cache.waitUntilFresh(alone, 20_000);
        expect((await take(replay(cache, filter('ns'), together), 4)).map(describeOut)).toEqual([
          `ADDED a@${together}`,
          `ADDED b@${together}`,
          `ADDED c@${together}`,
          `ADDED d@${alone}`,
        ]);
        const live = replay(cache, filter('ns'), alone);
        const later = await putPod(store, pod('ns', 'e'));
        expect((await take(live, 1)).map(describeOut)).toEqual([`ADDED e@${later}`]);
      });

      it('repeats deletions and modifications made together too', async () => {
        const cache = await newCache();
        await createTogether(store, pod('ns', 'a'), pod('ns', 'b'));
        const a = objectKey(pods, 'ns', 'a');
        const b = objectKey(pods, 'ns', 'b');
        const res = await store.delete(a, (await store.get(a))!.modRevision, { compares: [], puts: [{ key: b, value: encodeForStorage(pods, pod('ns', 'b', { phase: 'Running' })) }] });
        if (!res.ok) throw new Error('transaction failed');
        await cache.waitUntilFresh(res.revision, 20_000);
        expect((await take(replay(cache, filter('ns'), res.revision), 2)).map(describeOut)).toEqual([`DELETED a@${res.revision}`, `MODIFIED b@${res.revision}`]);
      });

      it('repeats nothing of a revision that wrote one object', async () => {
        const cache = await newCache();
        const alone = await putPod(store, pod('ns', 'a'));
        const next = await putPod(store, pod('ns', 'b'));
        await cache.waitUntilFresh(next, 20_000);
        expect((await take(replay(cache, filter('ns'), alone), 1)).map(describeOut)).toEqual([`ADDED b@${next}`]);
      });

      it('repeats only what the selectors let through, and nothing when that is one event', async () => {
        const cache = await newCache();
        const web = { app: 'web' };
        const together = await createTogether(store, pod('ns', 'a', { labels: web }), pod('ns', 'b', { labels: { app: 'db' } }), pod('ns', 'c', { labels: web }), pod('other', 'x', { labels: web }));
        const d = await putPod(store, pod('ns', 'd', { labels: web }));
        const b = await putPod(store, pod('ns', 'b', { labels: { app: 'db' }, phase: 'Running' }));
        const x = await putPod(store, pod('other', 'x', { labels: web, phase: 'Running' }));
        await cache.waitUntilFresh(x, 20_000);
        expect((await take(replay(cache, filter('ns', 'app=web'), together), 3)).map(describeOut)).toEqual([`ADDED a@${together}`, `ADDED c@${together}`, `ADDED d@${d}`]);
        expect((await take(replay(cache, filter('ns', 'app=db'), together), 1)).map(describeOut)).toEqual([`MODIFIED b@${b}`]);
        expect((await take(replay(cache, filter('', '', 'metadata.name=x'), together), 1)).map(describeOut)).toEqual([`MODIFIED x@${x}`]);
      });

      it('says Gone for a shared revision its window has dropped, which a watch that does not replay still resumes from', async () => {
        const cache = await newCache({ windowSize: 2, maxWindowSize: 2, windowFreshMs: 0 });
        const together = await createTogether(store, pod('ns', 'a'), pod('ns', 'b'), pod('ns', 'c'));
        const alone = await putPod(store, pod('ns', 'd'));
        await cache.waitUntilFresh(alone, 20_000);
        const err = await nextError(replay(cache, filter('ns'), together));
        expect(isApiError(err, 'Expired')).toBe(true);
        expect((err as Error).message).toBe(`too old resource version: ${together} (${together})`);
        expect((await take(watch(cache, filter('ns'), { resourceVersion: together }), 1)).map(describeOut)).toEqual([`ADDED d@${alone}`]);
      });
    });

    it('ends a watch at its timeout only after the rest of the revision it is in', async () => {
      const cache = await newCache();
      const timeout = new AbortController();
      const w = cache.watch(filter('ns'), { resourceVersion: cache.revision, bookmarks: false, signal: new AbortController().signal, until: timeout.signal })[Symbol.asyncIterator]();
      const together = await createTogether(store, pod('ns', 'a'), pod('ns', 'b'), pod('ns', 'c'));
      expect((await take(w, 1)).map(describeOut)).toEqual([`ADDED a@${together}`]);
      timeout.abort();
      await putPod(store, pod('ns', 'd'));
      expect((await take(w, 2)).map(describeOut)).toEqual([`ADDED b@${together}`, `ADDED c@${together}`]);
      expect(await w.next()).toEqual({ value: undefined, done: true });
    });
  });

  it('keeps no decoded object once its readers let go, and decodes it again from the stored bytes', async () => {
    const cache = await newCache();
    const written = pod('ns', 'a', { labels: { app: 'web' } });
    const revision = await putPod(store, written);
    await cache.waitUntilFresh(revision, 20_000);
    const listed = new WeakRef(cache.list(filter('ns')).items[0]!);
    const got = new WeakRef(cache.get('ns', 'a')!);
    expect(listed.deref()).toBe(got.deref());

    await collectGarbage();
    expect(listed.deref()).toBeUndefined();
    expect(got.deref()).toBeUndefined();
    expect(cache.get('ns', 'a')).toEqual({ ...written, metadata: { ...written.metadata, resourceVersion: String(revision) } });
    expect(cache.list(filter('ns', 'app=web')).items.map((p) => p.metadata?.name)).toEqual(['a']);
  });

  describe('watch-list (sendInitialEvents)', () => {
    const annotationsOf = (out: WatchOut | undefined): Record<string, string> | undefined => out?.object.metadata?.annotations;

    it("reads storage's current revision first, then sends that state as ADDED, a bookmark marking its end, and the changes after it", async () => {
      const cache = await newCache();
      const before = await putPod(store, pod('ns', 'a'));
      // Storage holds b from this call on; the cache hears of it only later.
      const writing = store.create(objectKey(pods, 'ns', 'b'), encodeForStorage(pods, pod('ns', 'b')));
      const listWatch = watch(cache, filter('ns'), { sendInitialEvents: true, bookmarks: true });
      const fromCache = watch(cache, filter('ns'), { resourceVersion: 0, bookmarks: true });
      const written = await writing;
      if (!written.ok) throw new Error('create failed');
      const initial = await take(listWatch, 3);
      expect(initial.map(describeOut)).toEqual([`ADDED a@${before}`, `ADDED b@${written.revision}`, `BOOKMARK @${written.revision}`]);
      expect(initial[2]!.object.metadata).toEqual({ resourceVersion: String(written.revision), annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' } });
      // A watch from 0 takes the cache as it is, and its bookmark marks nothing.
      const legacy = await take(fromCache, 2);
      expect(legacy.map(describeOut)).toEqual([`ADDED a@${before}`, `BOOKMARK @${before}`]);
      expect(annotationsOf(legacy[1])).toBeUndefined();
      const later = await putPod(store, pod('ns', 'c'));
      expect((await take(listWatch, 1)).map(describeOut)).toEqual([`ADDED c@${later}`]);
    });

    it('sends the current state for a resourceVersion older than its window instead of Gone', async () => {
      const { cache, old, last } = await cachePastItsWindow();
      const events = await take(watch(cache, filter('ns'), { resourceVersion: old, sendInitialEvents: true, bookmarks: true }), 5);
      expect(events.map((e) => e.type)).toEqual(['ADDED', 'ADDED', 'ADDED', 'ADDED', 'BOOKMARK']);
      expect(events[4]!.revision).toBe(last);
      expect(annotationsOf(events[4])).toEqual({ [INITIAL_EVENTS_END_ANNOTATION]: 'true' });
    });

    it('without bookmarks sends the state and then the changes, with nothing between', async () => {
      const cache = await newCache();
      const first = await putPod(store, pod('ns', 'a'));
      const w = watch(cache, filter('ns'), { resourceVersion: 0, sendInitialEvents: true });
      const [added] = await take(w, 1);
      const later = await putPod(store, pod('ns', 'b'));
      expect([added!, ...(await take(w, 1))].map(describeOut)).toEqual([`ADDED a@${first}`, `ADDED b@${later}`]);
    });

    it("with sendInitialEvents false starts at once from 0 and after storage's current revision from none", async () => {
      const cache = await newCache();
      await putPod(store, pod('ns', 'a'));
      const fromAny = watch(cache, filter('ns'), { resourceVersion: 0, sendInitialEvents: false });
      const fromCurrent = watch(cache, filter('ns'), { sendInitialEvents: false });
      const later = await putPod(store, pod('ns', 'b'));
      expect((await take(fromAny, 1)).map(describeOut)).toEqual([`ADDED b@${later}`]);
      expect((await take(fromCurrent, 1)).map(describeOut)).toEqual([`ADDED b@${later}`]);
    });
  });

  it('starts a watch from resourceVersion 0 with the stored bytes, decoding nothing', async () => {
    const cache = await newCache();
    const revision = await putPod(store, pod('ns', 'a'));
    await cache.waitUntilFresh(revision, 20_000);
    const [added] = await take(watch(cache, filter('ns'), { resourceVersion: 0 }), 1);
    expect(added).toMatchObject({ type: 'ADDED', revision, stored: encodeForStorage(pods, pod('ns', 'a')) });
  });

  it('lets the events it keeps for resuming watchers drop what it handed the watchers once they are done with it', async () => {
    const cache = await newCache();
    const w = watch(cache, filter('ns'), { resourceVersion: cache.revision });
    const revision = await putPod(store, pod('ns', 'a'));
    const sent = new WeakRef((await take(w, 1))[0]!);
    const resumed = new WeakRef((await take(watch(cache, filter('ns'), { resourceVersion: revision - 1 }), 1))[0]!);
    expect(resumed.deref()).toBe(sent.deref());

    await collectGarbage();
    expect(sent.deref()).toBeUndefined();
    expect((await take(watch(cache, filter('ns'), { resourceVersion: revision - 1 }), 1)).map(describeOut)).toEqual([`ADDED a@${revision}`]);
  });
});
