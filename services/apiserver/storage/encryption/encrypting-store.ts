import { REGISTRY_PREFIX } from '../keys.js';
import { CompactedError, type ListOptions, type ListPage, type Store, type StoredValue, type StoreWatch, type TxnExtra, type WatchHandlers, type WriteResult } from '../store.js';
import { EVERY_RESOURCE, type EncryptionPlan } from './config.js';
import { DecryptionError, type ValueTransformer } from './transformers.js';

/**
 * History written with a key no longer configured: readers start from the present instead, as
 * from compacted history. (Kubernetes' watch cache starts at the present and never meets it.)
 */
export class UnreadableHistoryError extends CompactedError {
  constructor(cause: DecryptionError) {
    super(0);
    this.message = `history holds values this apiserver cannot decrypt: ${cause.message}`;
  }
}

/**
 * Encryption at rest as a layer of the store: values go through their resource's transformer on
 * every write (create, update, delete's read-back, the extra puts of a transaction) and every read
 * (get, list, watch, a failed compare's current value), so the registry, the watch caches and
 * everything above them see plaintext and nothing below them does. Keys are never encrypted.
 */
export class EncryptingStore implements Store {
  constructor(
    private readonly inner: Store,
    private readonly plan: EncryptionPlan,
  ) {}

  /** The transformer of the object key's resource (/registry/<resource>/...), if it is encrypted. */
  private transformerFor(key: string): ValueTransformer | undefined {
    if (!key.startsWith(REGISTRY_PREFIX)) return undefined;
    const end = key.indexOf('/', REGISTRY_PREFIX.length);
    // Keys beside the objects (a watch's progress key) hold no object.
    if (end < 0) return undefined;
    return this.plan.get(key.slice(REGISTRY_PREFIX.length, end)) ?? this.plan.get(EVERY_RESOURCE);
  }

  private seal(key: string, value: Buffer): Buffer {
    return this.transformerFor(key)?.toStorage(value, key) ?? value;
  }

  private open(kv: StoredValue): StoredValue {
    const transformer = this.transformerFor(kv.key);
    if (!transformer) return kv;
    const { data, stale } = transformer.fromStorage(kv.value, kv.key);
    return stale ? { ...kv, value: data, stale } : { ...kv, value: data };
  }

  private sealExtra(extra: TxnExtra | undefined): TxnExtra | undefined {
    return extra && { compares: extra.compares, puts: extra.puts.map((p) => ({ key: p.key, value: this.seal(p.key, p.value) })) };
  }

  private openResult(res: WriteResult): WriteResult {
    return res.ok || !res.current ? res : { ok: false, current: this.open(res.current) };
  }

  async get(key: string): Promise<StoredValue | undefined> {
    const kv = await this.inner.get(key);
    return kv && this.open(kv);
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListPage> {
    const page = await this.inner.list(prefix, opts);
    try {
      return { ...page, items: page.items.map((kv) => this.open(kv)) };
    } catch (err) {
      // Old revisions may hold values of a key since removed: history, not the present, is unreadable.
      if (opts?.revision && err instanceof DecryptionError) throw new UnreadableHistoryError(err);
      throw err;
    }
  }

  async create(key: string, value: Buffer, extra?: TxnExtra, lease?: string): Promise<WriteResult> {
    return this.openResult(await this.inner.create(key, this.seal(key, value), this.sealExtra(extra), lease));
  }

  async update(key: string, value: Buffer, expectedRevision: number, extra?: TxnExtra): Promise<WriteResult> {
    return this.openResult(await this.inner.update(key, this.seal(key, value), expectedRevision, this.sealExtra(extra)));
  }

  async delete(key: string, expectedRevision: number, extra?: TxnExtra): Promise<WriteResult> {
    return this.openResult(await this.inner.delete(key, expectedRevision, this.sealExtra(extra)));
  }

  /**
   * A value that cannot be decrypted ends the watch through onError, rather than an event being
   * skipped silently: in replayed history (a key removed after rotation, before compaction) as
   * UnreadableHistoryError, which watchers treat as compacted history, else as the DecryptionError.
   */
  async watch(prefix: string, fromRevision: number, handlers: WatchHandlers): Promise<StoreWatch> {
    const present = await this.inner.currentRevision();
    let failed = false;
    return this.inner.watch(prefix, fromRevision, {
      onBatch: (batch) => {
        if (failed) return;
        let events;
        try {
          events = batch.events.map((ev) => (ev.type === 'delete' ? ev : { type: ev.type, kv: this.open(ev.kv) }));
        } catch (err) {
          failed = true;
          handlers.onError(err instanceof DecryptionError && batch.revision <= present ? new UnreadableHistoryError(err) : (err as Error));
          return;
        }
        handlers.onBatch({ revision: batch.revision, events });
      },
      onError: (err) => {
        if (!failed) handlers.onError(err);
      },
      ...(handlers.onDisconnected ? { onDisconnected: (err: Error) => handlers.onDisconnected!(err) } : {}),
    });
  }

  progress(prefix: string): Promise<void> {
    return this.inner.progress(prefix);
  }

  currentRevision(): Promise<number> {
    return this.inner.currentRevision();
  }

  compact(revision: number): Promise<void> {
    return this.inner.compact(revision);
  }

  compactedRevision(): Promise<number> {
    return this.inner.compactedRevision();
  }

  grantLease(ttlSeconds: number): Promise<string> {
    return this.inner.grantLease(ttlSeconds);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
