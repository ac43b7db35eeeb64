import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import { decodeFromStorage } from '../storage/codec.js';
import { lazyWatchOut } from './cache-event.js';
import { deepFreeze } from './freeze.js';
import { selectionDecoder, type SelectionDecoder } from './selection-decoder.js';
import type { WatchOut } from './types.js';
import { WeakSlot } from './weak-slot.js';

/** How one cache turns stored bytes into objects: the whole object, or only what selection reads. */
export class CacheDecoder {
  private readonly selection: SelectionDecoder;

  constructor(
    private readonly info: ResourceInfo,
    private readonly freeze: boolean,
  ) {
    this.selection = selectionDecoder(info);
  }

  whole(key: string, bytes: Buffer, revision: number): AnyObject {
    return this.frozen(decodeFromStorage(this.info, { key, value: bytes, modRevision: revision, createRevision: 0, version: 0 }));
  }

  view(bytes: Buffer): AnyObject {
    return this.frozen(this.selection(bytes));
  }

  private frozen(object: AnyObject): AnyObject {
    return this.freeze ? deepFreeze(object) : object;
  }
}

/**
 * One object in the watch cache as storage holds it: its stored bytes and the selection view (name,
 * namespace, labels, selectable fields) that routes events to watchers and filters lists. The whole
 * object is decoded when a reader needs it (a get, a list, a watcher that cannot be sent the stored
 * bytes) and shared, frozen, by every reader while anyone holds it, but the cache does not keep it:
 * a decoded pod takes several times the heap of its bytes, and a list or a watch from
 * resourceVersion 0 reads every object once. After a collection the next reader decodes it again.
 */
export class CachedObject {
  private readonly whole = new WeakSlot<AnyObject>();
  private readonly addedEvent = new WeakSlot<WatchOut>();

  private constructor(
    private readonly decoder: CacheDecoder,
    readonly key: string,
    /** What storage holds for the object (its revision aside). */
    readonly stored: Buffer,
    readonly revision: number,
    /** What a selector or the watcher index reads. */
    readonly view: AnyObject,
  ) {}

  /** An object as stored at revision; throws when even its selection view cannot be decoded. */
  static fromStorage(decoder: CacheDecoder, key: string, bytes: Buffer, revision: number): CachedObject {
    return new CachedObject(decoder, key, bytes, revision, decoder.view(bytes));
  }

  /** The whole object, metadata.resourceVersion included. */
  get object(): AnyObject {
    return this.whole.get(() => this.decoder.whole(this.key, this.stored, this.revision));
  }

  /**
   * The ADDED event a watch from resourceVersion 0 starts with: the stored bytes, so the server
   * splices them instead of encoding the object. Watches that start together share it (and its
   * encoding); it is not kept beyond them.
   */
  get added(): WatchOut {
    return this.addedEvent.get(() => lazyWatchOut('ADDED', this, this.revision, this.stored));
  }

  /** The same object at another revision: how a deletion carries the last state. */
  atRevision(revision: number): CachedObject {
    return new CachedObject(this.decoder, this.key, this.stored, revision, this.view);
  }
}
