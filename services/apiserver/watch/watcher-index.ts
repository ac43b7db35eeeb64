import type { AnyObject } from '../../../lib/api/resources.js';
import type { CacheEvent } from './cache-event.js';
import type { WatcherBucket } from './filter.js';
import type { CacheWatcher } from './watcher.js';

/**
 * The open watchers of one cache, filed so that an event visits only those that can want it:
 * unfiltered ones, those of its namespace, and those whose indexed field (a pod's node) equals
 * the object's old or new value.
 */
export class WatcherIndex {
  private readonly everyone = new Set<CacheWatcher>();
  private readonly byNamespace = new Map<string, Set<CacheWatcher>>();
  private readonly byField = new Map<string, Set<CacheWatcher>>();
  private readonly homes = new Map<CacheWatcher, { set: Set<CacheWatcher>; map?: Map<string, Set<CacheWatcher>>; value?: string }>();

  constructor(private readonly indexedValue: ((obj: AnyObject) => string) | undefined) {}

  get size(): number {
    return this.homes.size;
  }

  add(watcher: CacheWatcher, bucket: WatcherBucket): void {
    if (bucket.by === 'all') {
      this.everyone.add(watcher);
      this.homes.set(watcher, { set: this.everyone });
      return;
    }
    const map = bucket.by === 'field' ? this.byField : this.byNamespace;
    let set = map.get(bucket.value);
    if (!set) map.set(bucket.value, (set = new Set()));
    set.add(watcher);
    this.homes.set(watcher, { set, map, value: bucket.value });
  }

  remove(watcher: CacheWatcher): void {
    const home = this.homes.get(watcher);
    if (!home) return;
    this.homes.delete(watcher);
    home.set.delete(watcher);
    if (home.map && home.set.size === 0) home.map.delete(home.value!);
  }

  all(): IterableIterator<CacheWatcher> {
    return this.homes.keys();
  }

  /** Calls fn once for every watcher that may want event (fn may close watchers as it goes). */
  forEachCandidate(event: CacheEvent, fn: (watcher: CacheWatcher) => void): void {
    for (const w of this.everyone) fn(w);
    const inNamespace = event.namespace ? this.byNamespace.get(event.namespace) : undefined;
    if (inNamespace) for (const w of inNamespace) fn(w);
    if (!this.indexedValue || this.byField.size === 0) return;
    const now = this.indexedValue(event.entry.view);
    const nowSet = this.byField.get(now);
    if (nowSet) for (const w of nowSet) fn(w);
    if (!event.prev) return;
    const before = this.indexedValue(event.prev.view);
    const beforeSet = before !== now ? this.byField.get(before) : undefined;
    if (beforeSet) for (const w of beforeSet) fn(w);
  }
}
