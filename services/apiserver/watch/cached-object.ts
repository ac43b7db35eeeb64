import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import { decodeFromStorage, encodeForStorage } from '../storage/codec.js';
import { deepFreeze } from './freeze.js';
import { selectionDecoder, type SelectionDecoder } from './selection-decoder.js';

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

  /** What storage holds for a decoded object: the bytes it was decoded from, encoded again. */
  stored(object: AnyObject): Buffer {
    return encodeForStorage(this.info, object);
  }

  view(bytes: Buffer): AnyObject {
    return this.frozen(this.selection(bytes));
  }

  frozen(object: AnyObject): AnyObject {
    return this.freeze ? deepFreeze(object) : object;
  }
}

/**
 * One object in the watch cache as storage holds it, decoded only as far as someone needs: the
 * selection view (name, namespace, labels, selectable fields) to route events to watchers, the
 * whole object for a reader (a get, a list, a watcher that cannot be sent the stored bytes).
 * Either is decoded once and shared, frozen, by everyone after.
 */
export class CachedObject {
  private whole: AnyObject | undefined;
  private selected: AnyObject | undefined;

  /**
   * bytes: what storage holds for the object (its revision aside). Released once the whole object
   * is decoded; the events that carry them for the fan-out keep their own reference.
   */
  private constructor(
    private readonly decoder: CacheDecoder,
    readonly key: string,
    private bytes: Buffer | undefined,
    readonly revision: number,
  ) {}

  /** An object as stored at revision; throws when even its selection view cannot be decoded. */
  static fromStorage(decoder: CacheDecoder, key: string, bytes: Buffer, revision: number): CachedObject {
    const cached = new CachedObject(decoder, key, bytes, revision);
    cached.selected = decoder.view(bytes);
    return cached;
  }

  /** The whole object, metadata.resourceVersion included. */
  get object(): AnyObject {
    if (!this.whole) {
      this.whole = this.decoder.whole(this.key, this.bytes!, this.revision);
      this.bytes = undefined;
    }
    return this.whole;
  }

  /** What storage holds for the object (its revision aside): the bytes while held, else encoded from the whole object. */
  get stored(): Buffer {
    return this.bytes ?? this.decoder.stored(this.whole!);
  }

  /** What a selector or the watcher index reads: the whole object once decoded, else the selection view. */
  get view(): AnyObject {
    return this.whole ?? (this.selected ??= this.decoder.view(this.bytes!));
  }

  /** The same object at another revision: how a deletion carries the last state. */
  atRevision(revision: number): CachedObject {
    const moved = new CachedObject(this.decoder, this.key, this.bytes, revision);
    const at = (object: AnyObject): AnyObject => this.decoder.frozen({ ...object, metadata: { ...object.metadata, resourceVersion: String(revision) } } as AnyObject);
    if (this.whole) moved.whole = at(this.whole);
    if (this.selected) moved.selected = this.selected;
    return moved;
  }
}
