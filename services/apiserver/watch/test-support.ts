import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pino } from 'pino';
import type { Pod } from '../../../lib/api/generated/index.js';
import { resourceByName, type AnyObject } from '../../../lib/api/resources.js';
import { parseFieldSelector } from '../../../lib/labels/field-selector.js';
import { parseSelector } from '../../../lib/labels/selector.js';
import { encodeForStorage } from '../storage/codec.js';
import { objectKey } from '../storage/keys.js';
import type { Store } from '../storage/store.js';
import { CacheDecoder, CachedObject } from './cached-object.js';
import type { WatchFilter, WatchOut } from './types.js';
import { WatchCache, type WatchCacheOptions, type WatchOptions } from './watch-cache.js';

// Shared by the watch cache's tests on real etcd and on MemoryStore.

const pods = resourceByName('pods')!;
export const log = pino({ level: 'silent' });

export function filter(namespace: string, labels = '', fields = ''): WatchFilter {
  return {
    namespace,
    label: labels ? parseSelector(labels) : undefined,
    fields: [...parseFieldSelector(fields).requirements],
  };
}

export function pod(namespace: string, name: string, opts: { node?: string; labels?: Record<string, string>; phase?: string } = {}): Pod {
  return {
    metadata: { name, namespace, uid: `${namespace}-${name}`, labels: opts.labels },
    spec: { nodeName: opts.node ?? '', containers: [{ name: 'c', image: 'busybox:1' }] },
    status: { phase: opts.phase ?? 'Pending' },
  };
}

type Iter = AsyncIterator<WatchOut>;

export async function take(it: Iter, n: number, timeoutMs = 20_000): Promise<WatchOut[]> {
  const out: WatchOut[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < n) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${out.length} of ${n} events: ${JSON.stringify(out.map(describeOut))}`)), Math.max(1, deadline - Date.now()));
    });
    const next = await Promise.race([it.next(), timeout]).finally(() => clearTimeout(timer));
    if (next.done) throw new Error(`watch ended after ${out.length} of ${n} events`);
    out.push(next.value);
  }
  return out;
}

export async function nextError(it: Iter, timeoutMs = 20_000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 100_000 && Date.now() < deadline; i++) {
    try {
      const next = await Promise.race([it.next(), new Promise<never>((_, r) => setTimeout(() => r(new Error('no error came')), deadline - Date.now()).unref())]);
      if (next.done) return new Error('watch ended without an error');
    } catch (err) {
      return err;
    }
  }
  return new Error('no error came');
}

export function describeOut(o: WatchOut): string {
  return `${o.type} ${o.object.metadata?.name ?? ''}@${o.revision}`;
}

/** Writes a pod straight to storage (create or update), returning the write's revision. */
export async function putPod(store: Store, p: Pod): Promise<number> {
  const key = objectKey(pods, p.metadata!.namespace!, p.metadata!.name!);
  const current = await store.get(key);
  const value = encodeForStorage(pods, p);
  const res = current ? await store.update(key, value, current.modRevision) : await store.create(key, value);
  if (!res.ok) throw new Error(`write of ${key} lost a race`);
  return res.revision;
}

export async function removePod(store: Store, namespace: string, name: string): Promise<number> {
  const key = objectKey(pods, namespace, name);
  const current = await store.get(key);
  const res = await store.delete(key, current!.modRevision);
  if (!res.ok) throw new Error(`delete of ${key} lost a race`);
  return res.revision;
}

/** Caches and watches a test opens, closed by cleanup() (call it in afterEach). */
export function cacheFixture(defaultStore: () => Store) {
  const caches: WatchCache[] = [];
  const aborts: AbortController[] = [];
  return {
    async newCache(opts: Partial<WatchCacheOptions> = {}, on: Store = defaultStore()): Promise<WatchCache> {
      const cache = new WatchCache({ store: on, info: pods, log, ...opts });
      caches.push(cache);
      await cache.start();
      return cache;
    },
    watch(cache: WatchCache, f: WatchFilter, opts: Partial<Pick<WatchOptions, 'resourceVersion' | 'bookmarks' | 'replaySharedRevision' | 'sendInitialEvents'>> = {}): Iter {
      const abort = new AbortController();
      aborts.push(abort);
      return cache.watch(f, { bookmarks: false, ...opts, signal: abort.signal })[Symbol.asyncIterator]();
    },
    async cleanup(): Promise<void> {
      for (const a of aborts.splice(0)) a.abort();
      await Promise.all(caches.splice(0).map((c) => c.stop()));
    },
    /** Stops every cache now (a test that tears down its store first). */
    async stopAll(): Promise<void> {
      for (const c of caches.splice(0)) await c.stop();
    },
  };
}

/** A pod as the cache holds it after storage delivered it at revision. */
export function cachedPod(object: AnyObject, revision: number): CachedObject {
  const key = objectKey(pods, object.metadata?.namespace ?? '', object.metadata?.name ?? '');
  return CachedObject.fromStorage(new CacheDecoder(pods, true), key, encodeForStorage(pods, object), revision);
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A full collection once the current job is over (until then V8 keeps every WeakRef's target). */
export async function collectGarbage(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}
