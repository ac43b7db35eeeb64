import type { AnyObject } from '../../../lib/api/resources.js';
import type { CachedObject } from './cached-object.js';
import type { WatchEventType, WatchOut } from './types.js';
import { WeakSlot } from './weak-slot.js';

type StoredEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * One change to the cache, kept in the window so watchers can resume. The WatchOut variants a
 * watcher can receive for it are built on first use and shared by every watcher that gets them
 * while any holds them (the fan-out hands one instance to all at once, so the server encodes it
 * once); the window does not keep them, nor so their encodings, for the minutes it keeps the event.
 * Their object is decoded when a consumer first reads it (a watcher sent the stored bytes never does).
 */
export class CacheEvent {
  private readonly native = new WeakSlot<WatchOut>();
  private readonly becameMatching = new WeakSlot<WatchOut>();
  private readonly stoppedMatching = new WeakSlot<WatchOut>();

  constructor(
    readonly type: StoredEventType,
    readonly key: string,
    readonly namespace: string,
    /** The new state; for DELETED the last state, carrying the deletion revision. */
    readonly entry: CachedObject,
    readonly prev: CachedObject | undefined,
    readonly revision: number,
    readonly receivedAt: number,
    /** What storage holds for the new state (not for DELETED, whose object is the last state). */
    readonly stored?: Buffer,
  ) {}

  /** The new state, decoded whole. */
  get object(): AnyObject {
    return this.entry.object;
  }

  /** The state before, decoded whole. */
  get prevObject(): AnyObject | undefined {
    return this.prev?.object;
  }

  /** The event as it happened in storage. */
  asIs(): WatchOut {
    return this.native.get(() => lazyWatchOut(this.type, this.entry, this.revision, this.stored));
  }

  /** A modification that made the object match a watcher's selector. */
  asAdded(): WatchOut {
    if (this.type === 'ADDED') return this.asIs();
    return this.becameMatching.get(() => lazyWatchOut('ADDED', this.entry, this.revision, this.stored));
  }

  /** A modification after which the object no longer matches: Kubernetes sends the new state. */
  asDeleted(): WatchOut {
    if (this.type === 'DELETED') return this.asIs();
    return this.stoppedMatching.get(() => lazyWatchOut('DELETED', this.entry, this.revision, this.stored));
  }
}

export function watchOut(type: WatchEventType, object: AnyObject, revision: number, stored?: Buffer): WatchOut {
  return Object.freeze(stored ? { type, object, revision, stored } : { type, object, revision });
}

/** A WatchOut whose object is decoded from the cache entry on first read (a spread would decode it). */
export function lazyWatchOut(type: WatchEventType, entry: CachedObject, revision: number, stored?: Buffer): WatchOut {
  const out: { type: WatchEventType; readonly object: AnyObject; readonly view: AnyObject; revision: number; stored?: Buffer } = {
    type,
    get object(): AnyObject {
      return entry.object;
    },
    get view(): AnyObject {
      return entry.view;
    },
    revision,
  };
  if (stored) out.stored = stored;
  return Object.freeze(out);
}
