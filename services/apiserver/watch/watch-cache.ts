import type { Logger } from 'pino';
import { ApiError, gone } from '../../../lib/api/errors.js';
import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import { CompactedError, type Store, type StoredValue, type StoreWatch, type WatchBatch } from '../storage/store.js';
import { listPrefix, objectKey, prefixEnd, resourcePrefix } from '../storage/keys.js';
import { CacheEvent, watchOut } from './cache-event.js';
import { CacheDecoder, CachedObject } from './cached-object.js';
import { decodeContinueToken, encodeContinueToken } from './continue-token.js';
import { EventWindow } from './event-window.js';
import { fieldGetter } from './fields.js';
import { ownBytes } from './own-bytes.js';
import { bucketFor, compileFilter, indexedField } from './filter.js';
import { deepFreeze } from './freeze.js';
import { SortedKeys } from './sorted-keys.js';
import type { WatchFilter, WatchOut } from './types.js';
import { CacheWatcher, outFor, type ObjectMatcher } from './watcher.js';
import { WatcherIndex } from './watcher-index.js';

export interface WatchCacheOptions {
  store: Store;
  info: ResourceInfo;
  /** Events always kept for resuming watches (Kubernetes' default cache size is similar). */
  windowSize?: number;
  log: Logger;
  /** Beyond windowSize, events younger than this are kept too (up to maxWindowSize). */
  windowFreshMs?: number;
  maxWindowSize?: number;
  /** Events buffered per watcher before a slow consumer is cut off. */
  watcherQueueLimit?: number;
  /** Mean time between bookmarks for watchers that asked for them (jittered ±33 %). */
  bookmarkIntervalMs?: number;
  /** How long a watch from a revision the cache has not reached yet waits for it. */
  freshnessWaitMs?: number;
  /** How long waitUntilFresh waits for events in flight before it writes the progress key. */
  progressPingDelayMs?: number;
  listPageSize?: number;
  /** Freeze cached objects so that a mutation anywhere fails loudly (on by default). */
  freezeObjects?: boolean;
  /**
   * Revisions of etcd history replayed when the cache (re)starts: it loads the state that many
   * revisions back and replays the events since, so a client that was watching another apiserver
   * (or this one before a restart) can resume from a revision older than the start. 0 starts at
   * the current revision. Falls back to that when the history is compacted.
   */
  startHistoryRevisions?: number;
  /** How long start() waits for the replay to catch up with etcd. */
  startCatchUpMs?: number;
}

export interface ListOptions {
  limit?: number;
  continue?: string;
}

export interface ListResult<Item = AnyObject> {
  items: Item[];
  revision: number;
  continue: string;
  remaining: number;
}

export interface WatchOptions {
  /** undefined: from now; 0: synthetic ADDED of every current match first; n: every event after n. */
  resourceVersion?: number;
  bookmarks: boolean;
  /** The consumer is gone: the watch ends at once. */
  signal: AbortSignal;
  /** Ends the watch between two revisions: the rest of the revision being delivered still comes (a timeout). */
  until?: AbortSignal;
  /**
   * For a client that resumes a cut watch from the resourceVersion of the last event it received
   * (every Kubernetes client does): a watch from a revision at which two or more of the objects it
   * watches changed (one transaction) starts with those events again, as the client may have been
   * cut between them. One it already has is no news to it; one it never got would be lost until it
   * lists again.
   */
  replaySharedRevision?: boolean;
  /**
   * Kubernetes' sendInitialEvents, set only when the client sent it (client-go's watch-list asks
   * for true instead of listing). true: the watch starts with an ADDED for every matching object at
   * a revision not older than resourceVersion (so never Gone), then, with bookmarks, a bookmark at
   * that revision marked as the end of the initial events. false: no initial state, so a watch
   * from 0 starts now. Either way an undefined resourceVersion stands for storage's current
   * revision (a consistent read): the watch waits until the cache has caught up with it.
   */
  sendInitialEvents?: boolean;
}

/** The annotation of the bookmark that ends a watch-list's initial events (Kubernetes' metav1.InitialEventsAnnotationKey). */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

/** Where a watch begins: with the state at its start told as ADDED events, at its start, or after a revision. */
type WatchStart = 'state' | 'now' | number;

function startOf(opts: WatchOptions): WatchStart {
  const rv = opts.resourceVersion;
  if (opts.sendInitialEvents) return 'state';
  if (rv === undefined || (rv === 0 && opts.sendInitialEvents === false)) return 'now';
  return rv === 0 ? 'state' : rv;
}

interface FreshnessWaiter {
  revision: number;
  resolve: () => void;
  reject: (err: unknown) => void;
  timer: NodeJS.Timeout;
}

/**
 * The apiserver's view of one resource, kept current by a single storage watch and shared by every
 * list and watch of that resource (Kubernetes' cacher). Each object is kept as its stored bytes
 * and a selection view, decoded further only while someone needs it (cached-object.ts) and
 * shared, frozen, by the map, the event window and every watcher. Events are applied and fanned
 * out synchronously, so a watcher that registers between two events sees exactly the later one:
 * no gaps and no duplicates.
 */
export class WatchCache {
  private readonly store: Store;
  readonly info: ResourceInfo;
  private readonly log: Logger;
  private readonly prefix: string;
  private readonly window: EventWindow;
  private readonly queueLimit: number;
  private readonly bookmarkIntervalMs: number;
  private readonly freshnessWaitMs: number;
  private readonly progressPingDelayMs: number;
  private readonly pageSize: number;
  private readonly startHistoryRevisions: number;
  private readonly startCatchUpMs: number;
  private readonly decoder: CacheDecoder;

  private objects = new Map<string, CachedObject>();
  private keys = new SortedKeys();
  private appliedRevision = 0;
  private readonly watchers: WatcherIndex;
  private readonly bookmarkWatchers = new Set<CacheWatcher>();
  private waiters: FreshnessWaiter[] = [];
  private snapshotCache: { revision: number; objects: readonly CachedObject[] } | undefined;
  private bookmarkOut: WatchOut | undefined;

  private storeWatch: StoreWatch | undefined;
  private generation = 0;
  private ready: Promise<void> = Promise.resolve();
  private rebuilding = false;
  private started = false;
  private stopped = false;
  private bookmarkTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private pingInFlight = false;

  constructor(opts: WatchCacheOptions) {
    this.store = opts.store;
    this.info = opts.info;
    this.log = opts.log.child({ component: 'watch-cache', resource: opts.info.resource });
    this.prefix = resourcePrefix(opts.info);
    const windowSize = opts.windowSize ?? 1000;
    this.window = new EventWindow({
      minEvents: windowSize,
      maxEvents: Math.max(windowSize, opts.maxWindowSize ?? windowSize * 10),
      freshMs: opts.windowFreshMs ?? 75_000,
    });
    this.queueLimit = opts.watcherQueueLimit ?? 10_000;
    this.bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 45_000;
    this.freshnessWaitMs = opts.freshnessWaitMs ?? 3_000;
    this.progressPingDelayMs = opts.progressPingDelayMs ?? 25;
    this.pageSize = opts.listPageSize ?? 500;
    this.decoder = new CacheDecoder(opts.info, opts.freezeObjects ?? true);
    this.startHistoryRevisions = opts.startHistoryRevisions ?? 0;
    this.startCatchUpMs = opts.startCatchUpMs ?? 30_000;
    const field = indexedField(opts.info);
    this.watchers = new WatcherIndex(field ? fieldGetter(opts.info, field) : undefined);
  }

  /** The last revision the cache has applied: every change up to it is reflected. */
  get revision(): number {
    return this.appliedRevision;
  }

  /** How many objects the cache holds: those stored in etcd, as of its revision (for metrics). */
  get objectCount(): number {
    return this.objects.size;
  }

  /** How many watches are open (for metrics and tests). */
  get watcherCount(): number {
    return this.watchers.size;
  }

  /**
   * Lists everything (in pages) and starts the one storage watch from the list's revision + 1; with
   * startHistoryRevisions the list is read that far back and the watch replays the history,
   * which start() waits for, so the cache begins current.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error(`watch cache for ${this.info.resource} already started`);
    this.started = true;
    const current = await this.store.currentRevision();
    await this.loadAndWatch();
    await this.waitUntilFresh(current, this.startCatchUpMs);
    const tick = Math.max(10, Math.min(1_000, Math.floor(this.bookmarkIntervalMs / 4)));
    this.bookmarkTimer = setInterval(() => this.sendDueBookmarks(), tick);
    this.bookmarkTimer.unref();
  }

  /** Stops watching storage; bookmark watchers get a last bookmark, then every watch ends. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.bookmarkTimer);
    clearTimeout(this.pingTimer);
    this.generation++;
    const closing = this.closeStoreWatch();
    this.sendBookmarks();
    for (const w of [...this.watchers.all()]) w.end();
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new ApiError('ServiceUnavailable', `watch cache for ${this.info.resource} is shutting down`));
    }
    await closing;
  }

  /**
   * Resolves once the cache has applied `revision` (a write just made through this apiserver or
   * another). Rejects after timeoutMs with Kubernetes' "Too large resource version" Timeout.
   */
  waitUntilFresh(revision: number, timeoutMs: number): Promise<void> {
    if (this.appliedRevision >= revision && !this.rebuilding) return Promise.resolve();
    if (this.stopped) return Promise.reject(new ApiError('ServiceUnavailable', `watch cache for ${this.info.resource} is stopped`));
    return new Promise((resolve, reject) => {
      const waiter: FreshnessWaiter = {
        revision,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(tooLargeResourceVersion(revision, this.appliedRevision));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
      this.scheduleProgressPing(this.progressPingDelayMs);
    });
  }

  get(namespace: string, name: string): AnyObject | undefined {
    return this.objects.get(objectKey(this.info, namespace, name))?.object;
  }

  /** What storage held for an object at the revision the cache has it, without decoding it. */
  stored(namespace: string, name: string): { value: Buffer; revision: number } | undefined {
    const cached = this.objects.get(objectKey(this.info, namespace, name));
    return cached && { value: cached.stored, revision: cached.revision };
  }

  /**
   * A page of the objects matching filter, in key order. Later pages (continue) are read at the
   * first page's revision, rebuilt from the event window, so a paged list is one consistent
   * snapshot; a continue token older than the window is Expired, as from etcd after compaction.
   */
  list(filter: WatchFilter, opts: ListOptions = {}): ListResult {
    const page = this.listCached(filter, opts);
    return { ...page, items: page.items.map((entry) => entry.object) };
  }

  /** The same page as list(), of the cached entries: their stored bytes, decoded only when read. */
  listCached(filter: WatchFilter, opts: ListOptions = {}): ListResult<CachedObject> {
    const matches = compileFilter(this.info, filter);
    // Admission looks up kinds that most clusters hold none of (quotas, limit ranges) on every write.
    if (this.objects.size === 0 && !opts.continue) return { items: [], revision: this.appliedRevision, continue: '', remaining: 0 };
    const prefix = listPrefix(this.info, filter.namespace);
    let revision = this.appliedRevision;
    let from = prefix;
    if (opts.continue) {
      const position = decodeContinueToken(opts.continue, prefix);
      revision = position.revision;
      if (position.lastKey + '\u0000' > from) from = position.lastKey + '\u0000';
      if (revision > this.appliedRevision) throw tooLargeResourceVersion(revision, this.appliedRevision);
      if (revision < this.window.oldestResumable) {
        throw gone(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        );
      }
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const items: CachedObject[] = [];
    let lastKey = '';
    let remaining = 0;
    for (const [key, entry] of this.entriesAt(revision, from, prefixEnd(prefix))) {
      if (matches && !matches(entry.view)) continue;
      if (items.length < limit) {
        items.push(entry);
        lastKey = key;
      } else {
        remaining++;
      }
    }
    // Tokens are relative to the list's own prefix, as Kubernetes' (and the registry's) are.
    const next = remaining > 0 ? encodeContinueToken(revision, lastKey, prefix) : '';
    return { items, revision, continue: next, remaining };
  }

  /**
   * Events for the objects matching filter, in revision order. A resourceVersion older than the
   * window throws Expired at the first next(); one the cache has not reached yet waits up to
   * freshnessWaitMs, then throws Timeout. A consumer that falls more than
   * watcherQueueLimit events behind gets TooManyRequests and should resume from its last revision.
   */
  watch(filter: WatchFilter, opts: WatchOptions): AsyncIterable<WatchOut> {
    return {
      [Symbol.asyncIterator]: () => this.openWatch(filter, opts),
    };
  }

  /** Sends a bookmark now to every watcher that asked for them and has not seen this revision. */
  sendBookmarks(): void {
    for (const w of this.bookmarkWatchers) this.bookmark(w);
  }

  /**
   * The watch registers when iteration starts (asyncIterator()), synchronously when it can, so a
   * caller that starts iterating has a fixed starting point; errors surface at the first next().
   */
  private openWatch(filter: WatchFilter, opts: WatchOptions): AsyncIterator<WatchOut> {
    type Opened = { watcher?: CacheWatcher; error?: unknown };
    let returned = false;
    const openNow = (): Opened => {
      if (returned || opts.signal.aborted || this.stopped) return {};
      try {
        return { watcher: this.register(filter, opts) };
      } catch (error) {
        return { error };
      }
    };
    // With sendInitialEvents, no resourceVersion asks for storage's current revision.
    const readsCurrent = opts.resourceVersion === undefined && opts.sendInitialEvents !== undefined;
    const openLater = async (): Promise<Opened> => {
      try {
        const rv = readsCurrent ? await this.store.currentRevision() : opts.resourceVersion;
        if (rv !== undefined && rv > this.appliedRevision) await this.waitUntilFresh(rv, this.freshnessWaitMs);
        // Bounded: each pass waits out one rebuild, and each rebuild needs an etcd cancellation.
        for (let i = 0; this.rebuilding && i < 10; i++) await this.ready;
        if (this.rebuilding) throw new ApiError('ServiceUnavailable', `watch cache for ${this.info.resource} is being rebuilt`, { retryAfterSeconds: 1 });
      } catch (error) {
        return { error };
      }
      return openNow();
    };
    const rv = opts.resourceVersion;
    let opened: Opened | Promise<Opened> =
      !readsCurrent && (rv === undefined || rv <= this.appliedRevision) && !this.rebuilding ? openNow() : openLater();
    return {
      next: async () => {
        const { watcher, error } = await opened;
        if (error !== undefined) {
          opened = {};
          throw error;
        }
        if (!watcher) return { value: undefined, done: true };
        return watcher.next();
      },
      return: async () => {
        returned = true;
        const { watcher } = await opened;
        await watcher?.return();
        return { value: undefined, done: true };
      },
    };
  }

  /** Synchronous from the window read to the index insert, so no event falls in between. */
  private register(filter: WatchFilter, opts: WatchOptions): CacheWatcher {
    const start = startOf(opts);
    const oldest = this.window.oldestResumable;
    // The window dropped the oldest revision's events: a client possibly cut between them lists again.
    const unreplayable = start === oldest && opts.replaySharedRevision && this.window.oldestResumableShared;
    if (typeof start === 'number' && (start < oldest || unreplayable)) {
      throw gone(`too old resource version: ${start} (${oldest})`);
    }
    const matches = compileFilter(this.info, filter);
    const startRevision = typeof start === 'number' ? start : this.appliedRevision;
    const onAbort = (): void => void watcher.return();
    const onUntil = (): void => watcher.finish();
    const watcher = new CacheWatcher({
      matches,
      queueLimit: this.queueLimit,
      startRevision,
      onClose: (w) => {
        this.watchers.remove(w);
        this.bookmarkWatchers.delete(w);
        opts.signal.removeEventListener('abort', onAbort);
        opts.until?.removeEventListener('abort', onUntil);
      },
    });
    if (start === 'state') {
      watcher.setInitial(this.snapshot(filter.namespace), (entry) => (!matches || matches(entry.view) ? entry.added : undefined));
      // Tells the client the revision its initial objects add up to, before any live event.
      if (opts.bookmarks) watcher.push(opts.sendInitialEvents ? initialEventsEnd(this.appliedRevision) : this.bookmarkAt(this.appliedRevision));
    } else if (start !== 'now') {
      watcher.setInitial(this.eventsToResume(start, matches, opts.replaySharedRevision), (event) => outFor(event, matches));
    }
    this.watchers.add(watcher, bucketFor(this.info, filter));
    if (opts.bookmarks) {
      watcher.nextBookmarkAt = Date.now() + this.jitteredBookmarkInterval();
      this.bookmarkWatchers.add(watcher);
    }
    opts.signal.addEventListener('abort', onAbort, { once: true });
    if (opts.until?.aborted) watcher.finish();
    else opts.until?.addEventListener('abort', onUntil, { once: true });
    return watcher;
  }

  /** The window's events after rv, from rv itself when the watch replays a revision that two or more of its events share. */
  private eventsToResume(rv: number, matches: ObjectMatcher | undefined, replaySharedRevision = false): CacheEvent[] {
    if (!replaySharedRevision) return this.window.since(rv);
    const matching = this.window.at(rv).filter((event) => outFor(event, matches) !== undefined);
    return this.window.since(matching.length > 1 ? rv - 1 : rv);
  }

  private async loadAndWatch(historyReadable = true): Promise<void> {
    let withHistory = historyReadable && this.startHistoryRevisions > 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const from = withHistory ? await this.historyStart() : 0;
        const revision = await this.load(from);
        await this.watchStore(revision);
        // stop() may have run while this was loading: it could not close a watch not yet made.
        if (this.stopped) await this.closeStoreWatch();
        return;
      } catch (err) {
        if (!(err instanceof CompactedError) || attempt >= 5) throw err;
        if (withHistory) this.log.info('history before the start is compacted; starting from the current revision');
        else this.log.info({ attempt }, 'revision compacted while loading the cache; listing again');
        withHistory = false;
      }
    }
  }

  /** The oldest revision worth loading: startHistoryRevisions back, but not before the last compaction. */
  private async historyStart(): Promise<number> {
    const [current, compacted] = await Promise.all([this.store.currentRevision(), this.store.compactedRevision()]);
    return Math.max(1, current - this.startHistoryRevisions, compacted);
  }

  /** Reads every object in pages at one revision (0: the current one) and replaces the cached state with them. */
  private async load(atRevision: number): Promise<number> {
    const objects = new Map<string, CachedObject>();
    const keys: string[] = [];
    let revision = atRevision;
    let startAfter: string | undefined;
    for (let more = true; more; ) {
      const page = await this.store.list(this.prefix, { limit: this.pageSize, startAfter, revision });
      revision ||= page.revision;
      for (const stored of page.items) {
        const obj = this.cached(stored);
        if (!obj) continue;
        objects.set(stored.key, obj);
        keys.push(stored.key);
      }
      startAfter = page.items.at(-1)?.key;
      more = page.more && startAfter !== undefined;
    }
    this.objects = objects;
    const sorted = new SortedKeys();
    sorted.replaceSorted(keys);
    this.keys = sorted;
    this.window.reset(revision);
    this.snapshotCache = undefined;
    this.appliedRevision = revision;
    this.log.info({ objects: objects.size, revision }, 'watch cache loaded');
    return revision;
  }

  private async watchStore(afterRevision: number): Promise<void> {
    if (this.stopped) return;
    const generation = ++this.generation;
    try {
      this.storeWatch = await this.store.watch(this.prefix, afterRevision + 1, {
        onBatch: (batch) => {
          if (generation === this.generation) this.onBatch(batch);
        },
        onDisconnected: (err) => {
          if (generation === this.generation) this.log.warn({ err: err.message }, 'storage watch disconnected; resuming');
        },
        onError: (err) => {
          if (generation === this.generation) void this.rebuild(err);
        },
      });
    } catch (err) {
      if (generation === this.generation) this.generation++;
      throw err;
    }
  }

  private onBatch(batch: WatchBatch): void {
    const now = Date.now();
    for (const ev of batch.events) {
      if (ev.type === 'put') this.applyPut(ev.kv, now);
      else this.applyDelete(ev.kv, now);
    }
    this.advance(batch.revision);
  }

  private applyPut(stored: StoredValue, now: number): void {
    const key = stored.key;
    const obj = this.cached(stored);
    if (!obj) return;
    const prev = this.objects.get(key);
    this.objects.set(key, obj);
    if (!prev) this.keys.insert(key);
    this.record(new CacheEvent(prev ? 'MODIFIED' : 'ADDED', key, this.namespaceOf(key), obj, prev, stored.modRevision, now, stored.value));
  }

  private applyDelete(stored: StoredValue, now: number): void {
    const key = stored.key;
    const prev = this.objects.get(key);
    if (!prev) return;
    const revision = stored.modRevision;
    this.objects.delete(key);
    this.keys.remove(key);
    this.record(new CacheEvent('DELETED', key, this.namespaceOf(key), prev.atRevision(revision), prev, revision, now));
  }

  private record(event: CacheEvent): void {
    this.window.push(event);
    this.snapshotCache = undefined;
    this.watchers.forEachCandidate(event, (w) => {
      const out = outFor(event, w.matches);
      if (out) w.push(out);
    });
  }

  private advance(revision: number): void {
    if (revision <= this.appliedRevision) return;
    this.appliedRevision = revision;
    if (this.waiters.length === 0) return;
    const stillWaiting: FreshnessWaiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.revision <= revision) {
        clearTimeout(waiter.timer);
        waiter.resolve();
      } else {
        stillWaiting.push(waiter);
      }
    }
    this.waiters = stillWaiting;
  }

  /**
   * The storage watch was cancelled (its revision compacted, or etcd cancelled it): events were
   * lost, so every watcher is told Gone and relists, and the cache starts over from a fresh list.
   */
  private async rebuild(cause: Error): Promise<void> {
    if (this.rebuilding || this.stopped) return;
    this.rebuilding = true;
    this.generation++;
    let done!: () => void;
    this.ready = new Promise((r) => (done = r));
    this.log.warn({ err: cause.message }, 'storage watch cancelled; terminating watchers and relisting');
    const closing = this.closeStoreWatch();
    for (const w of [...this.watchers.all()]) {
      // The store reports compaction as a CompactedError, whose message says so; any other cause is named as it came.
      w.fail(gone(`the watch cache for ${this.info.resource} lost its etcd watch (${cause.message.trim()}); list again`));
    }
    await closing;
    for (let delayMs = 100; !this.stopped; delayMs = Math.min(delayMs * 2, 5_000)) {
      try {
        // A watch that met history it cannot read (CompactedError) would meet it again in a replay.
        await this.loadAndWatch(!(cause instanceof CompactedError));
        break;
      } catch (err) {
        this.log.error({ err: err instanceof Error ? err.message : String(err) }, 'relisting failed; retrying');
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
    this.rebuilding = false;
    done();
    for (const waiter of this.waiters.filter((w) => w.revision <= this.appliedRevision)) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
    this.waiters = this.waiters.filter((w) => w.revision > this.appliedRevision);
  }

  /**
   * Asks the store for progress (in etcd, a write of the resource's progress key) once no event
   * has satisfied the waiters within delayMs. One write at a time serves every waiter up to its revision; a waiter for a revision
   * beyond it was asking for the future and simply waits (no write storm for bogus revisions).
   */
  private scheduleProgressPing(delayMs: number): void {
    if (this.pingTimer || this.pingInFlight || this.stopped) return;
    this.pingTimer = setTimeout(() => {
      this.pingTimer = undefined;
      const unserved = this.waiters.filter((w) => w.revision > this.appliedRevision);
      if (unserved.length === 0) return;
      this.pingInFlight = true;
      this.store.progress(this.prefix).then(
        () => {
          this.pingInFlight = false;
          if (this.waiters.some((w) => !unserved.includes(w))) this.scheduleProgressPing(this.progressPingDelayMs);
        },
        (err: unknown) => {
          this.pingInFlight = false;
          this.log.debug({ err: err instanceof Error ? err.message : String(err) }, 'progress write failed');
          if (this.waiters.length > 0) this.scheduleProgressPing(Math.max(200, this.progressPingDelayMs));
        },
      );
    }, delayMs);
  }

  private async closeStoreWatch(): Promise<void> {
    const watch = this.storeWatch;
    this.storeWatch = undefined;
    await watch?.cancel();
  }


  /** The stored object, its selection view decoded (which checks its kind), its bytes its own; undefined when that fails. */
  private cached(stored: StoredValue): CachedObject | undefined {
    try {
      return CachedObject.fromStorage(this.decoder, stored.key, ownBytes(stored.value), stored.modRevision);
    } catch (err) {
      this.log.error({ key: stored.key, err: err instanceof Error ? err.message : String(err) }, 'cannot decode stored object; skipping it');
      return undefined;
    }
  }

  private namespaceOf(key: string): string {
    if (!this.info.namespaced) return '';
    const rest = key.slice(this.prefix.length);
    return rest.slice(0, rest.indexOf('/'));
  }

  /** The objects of a namespace (or all) at the current revision, in key order; shared while nothing changes. */
  private snapshot(namespace: string): readonly CachedObject[] {
    if (this.info.namespaced && namespace) {
      const prefix = listPrefix(this.info, namespace);
      return [...this.keys.range(prefix, prefixEnd(prefix))].map((k) => this.objects.get(k)!);
    }
    if (this.snapshotCache?.revision !== this.appliedRevision) {
      const objects = [...this.keys.range(this.prefix, prefixEnd(this.prefix))].map((k) => this.objects.get(k)!);
      this.snapshotCache = { revision: this.appliedRevision, objects };
    }
    return this.snapshotCache.objects;
  }

  /**
   * Objects in [from, to) as they were at revision: the current state with every later event in
   * the window undone (each key takes the state before its oldest later event).
   */
  private *entriesAt(revision: number, from: string, to: string): Generator<[string, CachedObject]> {
    const older = new Map<string, CachedObject | undefined>();
    if (revision < this.appliedRevision) {
      for (const event of this.window.since(revision)) {
        if (event.key >= from && event.key < to && !older.has(event.key)) older.set(event.key, event.prev);
      }
    }
    if (older.size === 0) {
      for (const key of this.keys.range(from, to)) yield [key, this.objects.get(key)!];
      return;
    }
    const changed = [...older.keys()].sort();
    let c = 0;
    for (const key of this.keys.range(from, to)) {
      for (; c < changed.length && changed[c]! < key; c++) {
        const then = older.get(changed[c]!);
        if (then) yield [changed[c]!, then];
      }
      if (changed[c] === key) {
        const then = older.get(key);
        c++;
        if (then) yield [key, then];
        continue;
      }
      yield [key, this.objects.get(key)!];
    }
    for (; c < changed.length; c++) {
      const then = older.get(changed[c]!);
      if (then) yield [changed[c]!, then];
    }
  }

  private bookmarkAt(revision: number): WatchOut {
    if (this.bookmarkOut?.revision !== revision) this.bookmarkOut = bookmarkOf({ resourceVersion: String(revision) }, revision);
    return this.bookmarkOut;
  }

  private bookmark(w: CacheWatcher): void {
    if (this.appliedRevision > w.lastRevision) w.push(this.bookmarkAt(this.appliedRevision));
    w.nextBookmarkAt = Date.now() + this.jitteredBookmarkInterval();
  }

  private sendDueBookmarks(): void {
    if (this.rebuilding) return;
    const now = Date.now();
    for (const w of this.bookmarkWatchers) if (w.nextBookmarkAt <= now) this.bookmark(w);
  }

  private jitteredBookmarkInterval(): number {
    return Math.round(this.bookmarkIntervalMs * (0.67 + Math.random() * 0.66));
  }
}

/** A bookmark: an object with nothing but the metadata given. */
function bookmarkOf(metadata: NonNullable<AnyObject['metadata']>, revision: number): WatchOut {
  return watchOut('BOOKMARK', deepFreeze({ metadata }) as AnyObject, revision);
}

/** The bookmark that tells a watch-list client its initial events are complete, at their revision. */
function initialEventsEnd(revision: number): WatchOut {
  return bookmarkOf({ resourceVersion: String(revision), annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' } }, revision);
}

function tooLargeResourceVersion(requested: number, current: number): ApiError {
  return new ApiError('Timeout', `Too large resource version: ${requested}, current: ${current}`, { retryAfterSeconds: 1 });
}

