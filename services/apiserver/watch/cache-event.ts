import type { AnyObject } from '../../../lib/api/resources.js';
import type { WatchEventType, WatchOut } from './types.js';

type StoredEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * One change to the cache, kept in the window so watchers can resume. The WatchOut variants a
 * watcher can receive for it are built on first use and shared by every watcher after that.
 */
export class CacheEvent {
  private native: WatchOut | undefined;
  private becameMatching: WatchOut | undefined;
  private stoppedMatching: WatchOut | undefined;

  constructor(
    readonly type: StoredEventType,
    readonly key: string,
    readonly namespace: string,
    /** The new state; for DELETED the last state, carrying the deletion revision. */
    readonly object: AnyObject,
    readonly prevObject: AnyObject | undefined,
    readonly revision: number,
    readonly receivedAt: number,
    /** What storage holds for object (not for DELETED, whose object is the last state). */
    readonly stored?: Buffer,
  ) {}

  /** The event as it happened in storage. */
  asIs(): WatchOut {
    return (this.native ??= watchOut(this.type, this.object, this.revision, this.stored));
  }

  /** A modification that made the object match a watcher's selector. */
  asAdded(): WatchOut {
    if (this.type === 'ADDED') return this.asIs();
    return (this.becameMatching ??= watchOut('ADDED', this.object, this.revision, this.stored));
  }

  /** A modification after which the object no longer matches: Kubernetes sends the new state. */
  asDeleted(): WatchOut {
    if (this.type === 'DELETED') return this.asIs();
    return (this.stoppedMatching ??= watchOut('DELETED', this.object, this.revision, this.stored));
  }
}

export function watchOut(type: WatchEventType, object: AnyObject, revision: number, stored?: Buffer): WatchOut {
  return Object.freeze(stored ? { type, object, revision, stored } : { type, object, revision });
}
