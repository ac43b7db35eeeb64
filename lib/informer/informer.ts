import { pino, type Logger } from 'pino';
import { keyOf, type KubeObject } from '../client/keys.js';
import { isExpiredError, type ResourceClient, type WatchEvent } from '../client/resource-client.js';
import { Backoff, sleep, type BackoffOptions } from './backoff.js';
import { deepFreeze } from './freeze.js';
import { Store, type Indexer } from './store.js';

export interface InformerOptions {
  /** '' (default) watches every namespace. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Every resyncMs, onUpdate(obj, obj) for every cached object, so level-triggered loops revisit everything. 0 = off. */
  resyncMs?: number;
  /** Page size of the initial list and of relists. */
  pageSize?: number;
  /** Retry pacing after failed lists and watches. */
  backoff?: BackoffOptions;
  log?: Logger;
}

/**
 * Handlers should only note the object's key (e.g. add it to a workqueue): they run one at a time,
 * in event order, on the informer's own loop. Objects are frozen: copy before changing.
 */
export interface EventHandlers<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  /** The object's final state as the server reported it at deletion (or as last seen before a relist). */
  onDelete?(obj: T): void;
}

// Watches are ended by the server after a random 5-10 minutes and reopened, as client-go does,
// so that after a failover the watches spread over the apiservers again.
const MIN_WATCH_TIMEOUT_S = 300;
const MAX_WATCH_TIMEOUT_S = 600;
// A watch that ends cleanly this soon without delivering anything is treated like a failure, so a
// misbehaving server cannot make us reconnect in a tight loop.
const MIN_QUIET_WATCH_MS = 1000;

/**
 * client-go's reflector and shared informer in one: lists (in pages), then watches from the list's
 * resourceVersion with bookmarks, keeps a cache, and tells handlers about every change exactly
 * once. A watch that fails is resumed after a jittered backoff from the last resourceVersion whose
 * events all arrived (see resumeVersion);
 * a watch whose resourceVersion was compacted away (Expired/Gone) triggers a relist whose
 * differences against the cache are delivered as adds, updates and deletes.
 */
export class Informer<T extends KubeObject> {
  private readonly cache = new Store<T>();
  private readonly handlers = new Set<EventHandlers<T>>();
  private readonly log: Logger;
  private readonly backoff: Backoff;
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private synced = false;
  private readonly syncWaiters = new Set<() => void>();
  private resourceVersion = '';
  /**
   * The newest resourceVersion every event of which the cache has. Objects created in one etcd
   * transaction share a resourceVersion, and a watch cut between their events would lose the rest
   * if resumed from the last one seen; resumed from here, the events at the last one come again and
   * upsert skips those the cache holds at that version (a repeated delete finds nothing to delete).
   */
  private resumeVersion = '';

  constructor(
    private readonly client: ResourceClient<T>,
    private readonly options: InformerOptions = {},
  ) {
    this.log = (options.log ?? pino({ level: 'silent' })).child({
      component: 'informer',
      resource: client.info.resource,
      ...(options.namespace ? { namespace: options.namespace } : {}),
    });
    this.backoff = new Backoff(options.backoff);
  }

  /** The cache. Read-only for consumers, apart from adding indexes. */
  get store(): Indexer<T> {
    return this.cache;
  }

  /** The resourceVersion the cache is current to. */
  get lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  /**
   * Registers handlers; returns a function that removes them. Objects already in the cache are
   * delivered to the new handlers' onAdd at once, so a late consumer sees the same picture.
   */
  addEventHandler(handlers: EventHandlers<T>): () => void {
    const own = { ...handlers };
    this.handlers.add(own);
    if (own.onAdd) for (const obj of this.cache.list()) this.call(() => own.onAdd!(obj));
    return () => this.handlers.delete(own);
  }

  onAdd(fn: (obj: T) => void): () => void {
    return this.addEventHandler({ onAdd: fn });
  }

  onUpdate(fn: (oldObj: T, newObj: T) => void): () => void {
    return this.addEventHandler({ onUpdate: fn });
  }

  onDelete(fn: (obj: T) => void): () => void {
    return this.addEventHandler({ onDelete: fn });
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** True once the first list is in the cache; false if the signal aborts or the informer stops first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (signal?.aborted || this.controller.signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (): void => {
        this.syncWaiters.delete(finish);
        signal?.removeEventListener('abort', finish);
        this.controller.signal.removeEventListener('abort', finish);
        resolve(this.synced);
      };
      this.syncWaiters.add(finish);
      signal?.addEventListener('abort', finish, { once: true });
      this.controller.signal.addEventListener('abort', finish, { once: true });
    });
  }

  /** Starts listing and watching in the background (once; later calls do nothing). The signal stops it like stop(). */
  start(signal?: AbortSignal): void {
    if (this.loop || this.controller.signal.aborted) return;
    if (signal?.aborted) {
      void this.stop();
      return;
    }
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    this.loop = this.run(this.controller.signal);
    const resyncMs = this.options.resyncMs ?? 0;
    if (resyncMs > 0) this.resyncTimer = setInterval(() => this.resync(), resyncMs);
  }

  /** Stops for good; resolves when the loop has ended. The cache keeps its last state. */
  async stop(): Promise<void> {
    this.controller.abort();
    clearInterval(this.resyncTimer);
    await this.loop;
  }

  private async run(signal: AbortSignal): Promise<void> {
    let needList = true;
    let lastErrorExpired = false;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.listAndReplace(signal);
          needList = false;
        }
        const started = Date.now();
        const delivered = await this.watch(signal);
        lastErrorExpired = false;
        if (!delivered && Date.now() - started < MIN_QUIET_WATCH_MS) await sleep(this.backoff.next(), signal);
      } catch (err) {
        if (signal.aborted) break;
        if (isExpiredError(err)) {
          this.log.info({ resourceVersion: this.resourceVersion, err: (err as Error).message }, 'watch expired; relisting');
          needList = true;
          // The first relist happens at once; repeated expiry backs off.
          const immediate = !lastErrorExpired;
          lastErrorExpired = true;
          if (immediate) continue;
        } else {
          lastErrorExpired = false;
          this.log.warn({ err: (err as Error).message, list: needList }, needList ? 'list failed; retrying' : 'watch failed; resuming');
        }
        await sleep(this.backoff.next(), signal);
      }
    }
  }

  private async listAndReplace(signal: AbortSignal): Promise<void> {
    const { items, resourceVersion } = await this.client.listAll(this.options.namespace ?? '', {
      ...this.selectors(),
      ...(this.options.pageSize ? { limit: this.options.pageSize } : {}),
      signal,
    });
    if (signal.aborted) return;
    this.replace(items);
    this.resourceVersion = resourceVersion;
    this.resumeVersion = resourceVersion;
    if (!this.synced) {
      this.synced = true;
      for (const notify of [...this.syncWaiters]) notify();
    }
  }

  /** Makes the cache equal to a fresh list, telling handlers only about what differs. */
  private replace(items: T[]): void {
    const fresh = new Map(items.map((obj) => [keyOf(obj), obj]));
    for (const key of this.cache.listKeys()) {
      if (!fresh.has(key)) this.notifyDelete(this.cache.delete(key)!);
    }
    for (const [, obj] of fresh) this.upsert(obj);
  }

  /** Watches until the stream ends; true if it delivered anything. */
  private async watch(signal: AbortSignal): Promise<boolean> {
    const timeoutSeconds = MIN_WATCH_TIMEOUT_S + Math.floor(Math.random() * (MAX_WATCH_TIMEOUT_S - MIN_WATCH_TIMEOUT_S));
    const events = this.client.watch(this.options.namespace ?? '', {
      ...this.selectors(),
      resourceVersion: this.resumeVersion,
      allowWatchBookmarks: true,
      timeoutSeconds,
      signal,
    });
    let delivered = false;
    for await (const event of events) {
      this.apply(event);
      delivered = true;
      this.backoff.reset();
    }
    return delivered;
  }

  private apply(event: WatchEvent<T>): void {
    const rv = event.object.metadata?.resourceVersion;
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED':
        this.upsert(event.object);
        break;
      case 'DELETED': {
        const old = this.cache.delete(keyOf(event.object));
        if (old) this.notifyDelete(deepFreeze(event.object));
        break;
      }
      case 'BOOKMARK':
        // Sent between revisions: everything up to it has arrived.
        if (rv) this.resumeVersion = rv;
        break;
    }
    if (!rv || rv === this.resourceVersion) return;
    // Events come in revision order, so one at a new resourceVersion closes the previous one.
    if (event.type !== 'BOOKMARK') this.resumeVersion = this.resourceVersion;
    this.resourceVersion = rv;
  }

  /** Adds or replaces an object; an identical resourceVersion is the same state and is not news. */
  private upsert(obj: T): void {
    const key = keyOf(obj);
    const old = this.cache.get(key);
    const rv = obj.metadata?.resourceVersion;
    if (old && rv && old.metadata?.resourceVersion === rv) return;
    const frozen = deepFreeze(obj);
    this.cache.set(frozen);
    for (const h of [...this.handlers]) {
      if (old) {
        if (h.onUpdate) this.call(() => h.onUpdate!(old, frozen));
      } else if (h.onAdd) this.call(() => h.onAdd!(frozen));
    }
  }

  private notifyDelete(obj: T): void {
    for (const h of [...this.handlers]) if (h.onDelete) this.call(() => h.onDelete!(obj));
  }

  private resync(): void {
    if (!this.synced) return;
    for (const obj of this.cache.list()) {
      for (const h of [...this.handlers]) if (h.onUpdate) this.call(() => h.onUpdate!(obj, obj));
    }
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err }, 'event handler failed');
    }
  }

  private selectors(): { labelSelector?: string; fieldSelector?: string } {
    const out: { labelSelector?: string; fieldSelector?: string } = {};
    if (this.options.labelSelector) out.labelSelector = this.options.labelSelector;
    if (this.options.fieldSelector) out.fieldSelector = this.options.fieldSelector;
    return out;
  }
}
