import {
  CompactedError,
  type ListOptions,
  type ListPage,
  type Store,
  type StoredValue,
  type StoreWatch,
  type TxnExtra,
  type WatchBatch,
  type WatchEvent,
  type WatchHandlers,
  type WriteResult,
} from '../store.js';
import { lowerBound, prefixEnd } from '../keys.js';

// An in-memory Store for unit tests only: the apiserver always runs on etcd. It keeps etcd's
// semantics where the apiserver depends on them (store-contract.ts checks both): one global
// revision that every write moves on by one, history for reads and watches at older revisions
// until compaction, deleted keys reading as modRevision 0 in compares, watch batches delivered
// asynchronously and in revision order. Leases never expire by time; expireLease() ends one.

interface Entry {
  value: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
  lease: string | undefined;
}

/** One change in the history: the key's state after it (a delete has none) and before it. */
interface Change {
  revision: number;
  key: string;
  after: Entry | undefined;
  before: Entry | undefined;
}

interface MemoryWatch {
  prefix: string;
  handlers: WatchHandlers;
  pending: WatchBatch[];
  scheduled: boolean;
  ended: boolean;
}

type Write = { key: string; entry: Entry | undefined };

function stored(key: string, entry: Entry): StoredValue {
  return { key, value: entry.value, modRevision: entry.modRevision, createRevision: entry.createRevision, version: entry.version };
}

export class MemoryStore implements Store {
  private readonly data = new Map<string, Entry>();
  /** The keys of data, sorted: keys are ASCII, so string order is etcd's byte order. */
  private readonly keys: string[] = [];
  /** A fresh etcd is at revision 1 before its first write. */
  private revision = 1;
  private compacted = 0;
  /** Every change at or after the compacted revision, oldest first. */
  private history: Change[] = [];
  private readonly watches = new Set<MemoryWatch>();
  private readonly leases = new Map<string, Set<string>>();
  private nextLease = 1;
  private closed = false;

  async get(key: string): Promise<StoredValue | undefined> {
    this.checkOpen();
    const entry = this.data.get(key);
    return entry ? stored(key, entry) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListPage> {
    this.checkOpen();
    const revision = opts.revision || this.revision;
    if (revision < this.compacted) throw new CompactedError(this.compacted);
    if (revision > this.revision) throw new Error(`required revision is a future revision (${revision} > ${this.revision})`);
    const from = opts.startAfter ? opts.startAfter + '\u0000' : prefix;
    const range = this.rangeAt(revision, from, prefixEnd(prefix));
    const page = opts.limit ? range.slice(0, opts.limit) : range;
    return { items: page, revision, more: page.length < range.length, remaining: range.length - page.length };
  }

  async create(key: string, value: Buffer, extra?: TxnExtra, lease?: string): Promise<WriteResult> {
    this.checkOpen();
    if (lease !== undefined && !this.leases.has(lease)) throw new Error(`requested lease not found: ${lease}`);
    return this.commit(!this.data.has(key), key, extra, () => ({ key, entry: this.next(key, value, lease) }));
  }

  async update(key: string, value: Buffer, expectedRevision: number, extra?: TxnExtra): Promise<WriteResult> {
    this.checkOpen();
    // As in etcd, a put without a lease detaches the key from the one it had.
    return this.commit(this.modRevisionOf(key) === expectedRevision, key, extra, () => ({ key, entry: this.next(key, value, undefined) }));
  }

  async delete(key: string, expectedRevision: number, extra?: TxnExtra): Promise<WriteResult> {
    this.checkOpen();
    return this.commit(this.modRevisionOf(key) === expectedRevision, key, extra, () => ({ key, entry: undefined }));
  }

  async watch(prefix: string, fromRevision: number, handlers: WatchHandlers): Promise<StoreWatch> {
    this.checkOpen();
    if (fromRevision < this.compacted) throw new CompactedError(this.compacted);
    const watch: MemoryWatch = { prefix, handlers, pending: [], scheduled: false, ended: false };
    this.watches.add(watch);
    const end = prefixEnd(prefix);
    for (const batch of this.batches(this.history.filter((c) => c.revision >= fromRevision && c.key >= prefix && c.key < end))) {
      this.deliver(watch, batch);
    }
    return {
      cancel: async () => {
        watch.ended = true;
        this.watches.delete(watch);
      },
    };
  }

  async progress(prefix: string): Promise<void> {
    this.checkOpen();
    for (const watch of this.watches) if (watch.prefix === prefix) this.deliver(watch, { events: [], revision: this.revision });
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.revision;
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    if (revision <= this.compacted) throw new CompactedError(this.compacted);
    if (revision > this.revision) throw new Error(`required revision is a future revision (${revision} > ${this.revision})`);
    this.compacted = revision;
    this.history = this.history.filter((c) => c.revision >= revision);
  }

  async compactedRevision(): Promise<number> {
    return this.compacted;
  }

  async grantLease(_ttlSeconds: number): Promise<string> {
    this.checkOpen();
    const id = String(this.nextLease++);
    this.leases.set(id, new Set());
    return id;
  }

  /** Ends a lease now, deleting its keys in one revision (as etcd does when a TTL runs out). */
  expireLease(id: string): void {
    const keys = this.leases.get(id);
    if (!keys) throw new Error(`no lease ${id}`);
    this.leases.delete(id);
    if (keys.size > 0) this.apply([...keys].map((key) => ({ key, entry: undefined })));
  }

  /** The lease a key is attached to, if any (for tests of TTL'd kinds). */
  leaseOf(key: string): string | undefined {
    return this.data.get(key)?.lease;
  }

  /**
   * Ends every watch with CompactedError, as etcd cancels a watch that would have to resume from
   * compacted history (after a disconnection, say): how tests reach a watcher's recovery path.
   */
  dropWatches(): void {
    for (const watch of [...this.watches]) {
      this.watches.delete(watch);
      watch.ended = true;
      queueMicrotask(() => watch.handlers.onError(new CompactedError(this.compacted)));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const watch of this.watches) watch.ended = true;
    this.watches.clear();
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('the store is closed');
  }

  private modRevisionOf(key: string): number {
    return this.data.get(key)?.modRevision ?? 0;
  }

  private next(key: string, value: Buffer, lease: string | undefined): Entry {
    const old = this.data.get(key);
    const revision = this.revision + 1;
    return { value, createRevision: old?.createRevision ?? revision, modRevision: revision, version: (old?.version ?? 0) + 1, lease };
  }

  /**
   * A transaction: when the key's own compare (keyHolds) and every extra compare hold, applies
   * the write and the extra puts at one new revision; otherwise reports the key as it is.
   */
  private commit(keyHolds: boolean, key: string, extra: TxnExtra | undefined, write: () => Write): WriteResult {
    const holds = keyHolds && (extra?.compares ?? []).every((c) => this.modRevisionOf(c.key) === c.modRevision);
    if (!holds) return { ok: false, current: this.data.has(key) ? stored(key, this.data.get(key)!) : undefined };
    const puts = (extra?.puts ?? []).map((p) => ({ key: p.key, entry: this.next(p.key, p.value, undefined) }));
    this.apply([write(), ...puts]);
    return { ok: true, revision: this.revision };
  }

  /** Applies writes at one new revision (none if nothing changes, as etcd) and tells the watches. */
  private apply(writes: Write[]): void {
    const revision = this.revision + 1;
    const changes: Change[] = [];
    for (const { key, entry } of writes) {
      const before = this.data.get(key);
      if (!entry && !before) continue;
      if (before?.lease) this.leases.get(before.lease)?.delete(key);
      if (entry) {
        if (!before) this.keys.splice(lowerBound(this.keys, key), 0, key);
        this.data.set(key, entry);
        if (entry.lease) this.leases.get(entry.lease)!.add(key);
      } else {
        this.keys.splice(lowerBound(this.keys, key), 1);
        this.data.delete(key);
      }
      changes.push({ revision, key, after: entry, before });
    }
    if (changes.length === 0) return;
    this.revision = revision;
    this.history.push(...changes);
    for (const watch of this.watches) {
      const end = prefixEnd(watch.prefix);
      const mine = changes.filter((c) => c.key >= watch.prefix && c.key < end);
      if (mine.length > 0) this.deliver(watch, { events: mine.map(eventOf), revision });
    }
  }

  /** Changes grouped into one batch per revision. */
  private batches(changes: Change[]): WatchBatch[] {
    const out: WatchBatch[] = [];
    for (const change of changes) {
      const last = out.at(-1);
      if (last?.revision === change.revision) last.events.push(eventOf(change));
      else out.push({ events: [eventOf(change)], revision: change.revision });
    }
    return out;
  }

  /** Queues a batch for a watch; batches reach the handler asynchronously, in order. */
  private deliver(watch: MemoryWatch, batch: WatchBatch): void {
    watch.pending.push(batch);
    if (watch.scheduled) return;
    watch.scheduled = true;
    queueMicrotask(() => {
      watch.scheduled = false;
      for (let next = watch.pending.shift(); next && !watch.ended; next = watch.pending.shift()) watch.handlers.onBatch(next);
    });
  }

  /** The keys in [from, to) with their values as they were at revision, in key order. */
  private rangeAt(revision: number, from: string, to: string): StoredValue[] {
    const current = this.keys.slice(lowerBound(this.keys, from), lowerBound(this.keys, to));
    // Each key changed since revision reads as it was before its oldest later change.
    const then = new Map<string, Entry | undefined>();
    for (const change of this.history) {
      if (change.revision > revision && change.key >= from && change.key < to && !then.has(change.key)) then.set(change.key, change.before);
    }
    if (then.size === 0) return current.map((key) => stored(key, this.data.get(key)!));
    const keys = [...new Set([...current, ...then.keys()])].sort();
    const out: StoredValue[] = [];
    for (const key of keys) {
      const entry = then.has(key) ? then.get(key) : this.data.get(key);
      if (entry) out.push(stored(key, entry));
    }
    return out;
  }
}

function eventOf(change: Change): WatchEvent {
  if (change.after) return { type: 'put', kv: stored(change.key, change.after) };
  return { type: 'delete', kv: { key: change.key, value: Buffer.alloc(0), modRevision: change.revision, createRevision: 0, version: 0 } };
}
