// The apiserver's one storage interface, shaped after its uses: the registry (get, paged lists at
// a revision, guarded create/update/delete, event leases), the service allocator (extra compares
// and puts in the same transaction), the watch caches (a watch from a revision, progress) and the
// compactor. Revisions are the only clock: every write makes one new revision, and that revision
// is the object's resourceVersion. etcd-store.ts is the real implementation; testing/ holds an
// in-memory one for unit tests, and store-contract.ts the tests both must pass.

export interface StoredValue {
  key: string;
  value: Buffer;
  /** The revision of the key's last write. */
  modRevision: number;
  /** The revision of the write that created the key (it changes when the key is deleted and made again). */
  createRevision: number;
  /** Writes since the key was created, starting at 1. */
  version: number;
  /**
   * Read with an encryption key (or identity) other than the one that now writes: an update
   * writes the object again even when it did not change, which is how keys are rotated.
   */
  stale?: boolean;
}

/** A key that must still be at modRevision (0: must not exist) for a write to happen. */
export interface Compare {
  key: string;
  modRevision: number;
}

export interface Put {
  key: string;
  value: Buffer;
}

/** Compares that must also hold for a write, with the puts that go with it (the allocation bitmaps). */
export interface TxnExtra {
  compares: Compare[];
  puts: Put[];
}

/** ok: the revision the write made. Not ok: a compare failed; current is the key as it is now. */
export type WriteResult = { ok: true; revision: number } | { ok: false; current: StoredValue | undefined };

export interface ListOptions {
  limit?: number;
  /** Start after this key (the last key of the previous page). */
  startAfter?: string;
  /** Read the state at this revision; 0 or absent: now. */
  revision?: number;
}

export interface ListPage {
  items: StoredValue[];
  /** The revision the page was read at. */
  revision: number;
  more: boolean;
  /** Keys in the range after this page. */
  remaining: number;
}

/** One change seen by a watch. A delete carries the key and the deletion's revision, no value. */
export interface WatchEvent {
  type: 'put' | 'delete';
  kv: StoredValue;
}

/**
 * The changes a watch receives, in revision order, with the revision they bring the watcher up
 * to. An empty batch is a progress notification: nothing in the range changed up to revision.
 */
export interface WatchBatch {
  events: WatchEvent[];
  revision: number;
}

export interface WatchHandlers {
  onBatch(batch: WatchBatch): void;
  /**
   * The watch has ended for good: the store cancelled it, usually because it would have to resume
   * from compacted history (then with a CompactedError).
   */
  onError(err: Error): void;
  /** The connection dropped; the store resumes the watch by itself, without gaps or duplicates. */
  onDisconnected?(err: Error): void;
}

export interface StoreWatch {
  /** Stops the watch; no handler is called after it resolves. */
  cancel(): Promise<void>;
}

/** A read or watch asked for history that compaction has removed. */
export class CompactedError extends Error {
  constructor(readonly compactRevision: number) {
    super(`required revision has been compacted (oldest available is ${compactRevision + 1})`);
  }
}

export interface Store {
  get(key: string): Promise<StoredValue | undefined>;

  /** One page of the keys under prefix in key order; CompactedError when the revision was compacted. */
  list(prefix: string, opts?: ListOptions): Promise<ListPage>;

  /** Writes key only if it does not exist, attached to lease when given (it goes when the lease expires). */
  create(key: string, value: Buffer, extra?: TxnExtra, lease?: string): Promise<WriteResult>;

  /** Replaces key only if its modRevision is still expectedRevision. */
  update(key: string, value: Buffer, expectedRevision: number, extra?: TxnExtra): Promise<WriteResult>;

  /** Deletes key only if its modRevision is still expectedRevision. */
  delete(key: string, expectedRevision: number, extra?: TxnExtra): Promise<WriteResult>;

  /**
   * Watches the keys under prefix, delivering every change from fromRevision on. Resolves once
   * the watch is established (batches may arrive before). When fromRevision is compacted it
   * rejects with CompactedError, or (etcd) is established and then ends through onError.
   */
  watch(prefix: string, fromRevision: number, handlers: WatchHandlers): Promise<StoreWatch>;

  /**
   * Makes every watch of prefix receive a batch at a revision at least the current one, after
   * every change before it: how a watcher proves it is current.
   */
  progress(prefix: string): Promise<void>;

  /** The store's latest revision. Answers only when the store does (health checks use it). */
  currentRevision(): Promise<number>;

  /** Drops history before revision; CompactedError when it already was. */
  compact(revision: number): Promise<void>;

  /** The last revision compacted through compact() (by any apiserver), 0 if none. */
  compactedRevision(): Promise<number>;

  /** A lease that removes the keys attached to it after ttlSeconds. */
  grantLease(ttlSeconds: number): Promise<string>;

  close(): Promise<void>;
}
