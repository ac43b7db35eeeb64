import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { ApiError, alreadyExists, badRequest, conflict, gone, invalid, notFound, uidPreconditionFailed } from '../../../lib/api/errors.js';
import type { DeleteOptions } from '../../../lib/api/generated/index.js';
import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import { decodeFromStorage, encodeForStorage, noteStoredForm, undecodableObject } from '../storage/codec.js';
import { CompactedError, type Store, type StoredValue, type TxnExtra, type WriteResult } from '../storage/store.js';
import { listPrefix, objectKey } from '../storage/keys.js';
import { CacheDecoder, CachedObject, decodeContinueToken, encodeContinueToken } from '../watch/index.js';
import { strategyFor } from '../kinds/index.js';
import { deletionPlan, finishesDeletion } from './deletion.js';
import type { WriteHooks, WriteOp } from './hooks.js';
import { required, root } from '../../../lib/validation/field-errors.js';
import { generatedName } from './object-meta.js';
import { KeyedSerializer } from './serializer.js';
import { cloneObject } from './clone.js';
import { EventLeases } from './event-leases.js';
import { recordManagedFields } from '../managed-fields/index.js';
import type { RequestScope } from '../request-scope.js';
import {
  applyDefaults,
  prepareForCreate,
  prepareForUpdate,
  statusUpdateOf,
  updateGeneration,
  validateObject,
  validateObjectUpdate,
  validateStatusUpdate,
} from './strategy.js';

/** Kubernetes refuses objects above 1.5 MiB (etcd's default request limit). */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;
const MAX_WRITE_ATTEMPTS = 8;
/**
 * Writes whose hook compares (allocation bitmaps) lost to another apiserver's write try again,
 * after a short random pause; one apiserver's own writes of such kinds never collide (serialized).
 */
const MAX_CONTENDED_ATTEMPTS = 64;
/** Keys read from etcd per round trip of a list (each object may be up to MAX_OBJECT_BYTES). */
const ETCD_LIST_PAGE = 100;

function contentionPause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, randomInt(1, 2 ** Math.min(attempt + 1, 6))));
}

export interface WriteOptions {
  dryRun?: boolean;
  /** The write carries its metadata.managedFields already (server-side apply): record no Update owner. */
  fieldsOwned?: boolean;
  /** The request the write serves (its user and field manager; where admission's warnings go), absent for the apiserver's own writes. */
  scope?: RequestScope;
}

/** What the watch cache holds for an object: its stored bytes and the revision they are at. */
export interface CachedValue {
  value: Buffer;
  revision: number;
}

export interface ListOptions<Item = AnyObject> {
  limit?: number;
  continue?: string;
  /** Read at this revision rather than the current one (a continue token brings its own). */
  revision?: number;
  filter: (item: Item) => boolean;
  /** A page stops before the item that would take it past this many bytes (as measured by sizeOf). */
  maxBytes?: number;
  sizeOf: (item: Item) => number;
}

export interface ListResult<Item = AnyObject> {
  items: Item[];
  resourceVersion: string;
  continue: string;
  remainingItemCount?: number;
}

/**
 * The generic storage logic every kind shares: create, read, update (with compare-and-swap on
 * resourceVersion), status updates, deletion with grace periods and finalizers. Kind-specific
 * rules come from the kind's strategy (../kinds, applied by strategy.ts) and the admission hooks.
 */
export class Registry {
  private readonly serializer = new KeyedSerializer();
  /** The leases Events expire through (its ttlSeconds is the apiserver's --event-ttl). */
  readonly eventLeases = new EventLeases(async (ttlSeconds) => {
    const id = await this.store.grantLease(ttlSeconds);
    this.log.debug({ lease: id, ttlSeconds }, 'granted event lease');
    return id;
  });

  private readonly listDecoders = new Map<ResourceInfo, CacheDecoder>();

  constructor(
    private readonly store: Store,
    private readonly hooks: WriteHooks,
    private readonly log: Logger,
  ) {}

  private decode(info: ResourceInfo, stored: StoredValue): AnyObject {
    return decodeFromStorage(info, stored);
  }

  /** A listed object: its bytes and selection view; an object whose view does not decode fails the list, naming its key. */
  private listed(info: ResourceInfo, stored: StoredValue): CachedObject {
    let decoder = this.listDecoders.get(info);
    if (!decoder) {
      // Not frozen: a list's objects are the caller's own, as a get's are.
      decoder = new CacheDecoder(info, false);
      this.listDecoders.set(info, decoder);
    }
    try {
      return CachedObject.fromStorage(decoder, stored.key, stored.value, stored.modRevision);
    } catch (err) {
      throw err instanceof ApiError ? err : undecodableObject(stored.key, err);
    }
  }

  private encode(info: ResourceInfo, object: AnyObject): Buffer {
    return this.checkedSize(info, object.metadata?.name ?? '', encodeForStorage(info, object));
  }

  private checkedSize(info: ResourceInfo, name: string, bytes: Buffer): Buffer {
    if (bytes.length > MAX_OBJECT_BYTES) {
      throw new ApiError('RequestEntityTooLarge', `Request entity too large: ${info.kind} "${name}" is ${bytes.length} bytes, limit is ${MAX_OBJECT_BYTES}`);
    }
    return bytes;
  }

  private async getStored(info: ResourceInfo, namespace: string, name: string): Promise<{ stored: StoredValue; object: AnyObject }> {
    const stored = await this.store.get(objectKey(info, namespace, name));
    if (!stored) throw notFound(info.resource, name);
    return { stored, object: this.decode(info, stored) };
  }

  async get(info: ResourceInfo, namespace: string, name: string): Promise<AnyObject> {
    return (await this.getStored(info, namespace, name)).object;
  }

  async create(info: ResourceInfo, namespace: string, input: AnyObject, opts: WriteOptions = {}): Promise<AnyObject> {
    const object = cloneObject(input);
    const meta = (object.metadata ??= {});
    if (info.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = meta.namespace || namespace;
      if (!meta.namespace) throw badRequest('an empty namespace may not be set during creation');
    } else {
      meta.namespace = undefined;
    }
    const generate = !meta.name && Boolean(meta.generateName);
    prepareForCreate(info, object);
    applyDefaults(info, object);
    await this.hooks.admit?.(info, 'create', object, undefined, opts.scope);
    if (generate) object.metadata!.name = generatedName(object.metadata!.generateName!);
    this.validate(info, object, validateObject(info, object));
    if (!opts.fieldsOwned) recordManagedFields(info, object, undefined, 'main', opts.scope?.fieldManager);

    // Only an attempt that follows one whose hooks may have changed the object needs a fresh copy.
    const copyEachAttempt = this.hooks.changesOnCreate?.(info) ?? true;
    let collisions = 0;
    for (let attempt = 0; attempt < MAX_CONTENDED_ATTEMPTS && collisions < MAX_WRITE_ATTEMPTS; attempt++) {
      const candidate = attempt === 0 && !copyEachAttempt ? object : cloneObject(object);
      if (generate && attempt > 0) candidate.metadata!.name = generatedName(candidate.metadata!.generateName!);
      const key = objectKey(info, candidate.metadata!.namespace ?? '', candidate.metadata!.name!);
      let bytes: Buffer | undefined;
      const res = await this.hookedWrite(info, 'create', candidate, undefined, async () => {
        const extra = await this.hooks.txnForCreate?.(info, candidate);
        bytes = this.encode(info, candidate);
        if (opts.dryRun) return undefined;
        const lease = strategyFor(info).expiresAfterEventTtl ? await this.eventLeases.lease() : undefined;
        return this.store.create(key, bytes, extra, lease);
      });
      if (!res) return candidate;
      if (res.ok) return this.withVersion(candidate, res.revision, bytes);
      if (res.current && !generate) throw alreadyExists(info.resource, candidate.metadata!.name!);
      if (res.current) collisions++;
      else await contentionPause(attempt);
    }
    throw new ApiError('Conflict', `${info.kind} "${object.metadata?.name ?? ''}" could not be created: too many concurrent changes, try again`);
  }

  /**
   * Runs a write whose hooks add compares on shared keys (the allocation bitmaps, a namespace's
   * quotas) one at a time with the other writes of its lanes in this apiserver, so that concurrent
   * requests do not fail each other's compares. Lanes are taken in sorted order: no two writes
   * can each hold a lane the other waits for.
   */
  private hookedWrite<T>(info: ResourceInfo, op: WriteOp, object: AnyObject, old: AnyObject | undefined, write: () => Promise<T>): Promise<T> {
    const lanes = this.hooks.writeLanes?.(info, op, object, old) ?? [];
    if (lanes.length === 0) return write();
    return lanes.reduceRight<() => Promise<T>>((inner, lane) => () => this.serializer.run(lane, inner), write)();
  }

  /** Sets the revision a write made; storedBytes: what that write stored, which the response can reuse. */
  private withVersion(object: AnyObject, revision: number, storedBytes?: Buffer): AnyObject {
    object.metadata = { ...object.metadata, resourceVersion: String(revision) };
    if (storedBytes) noteStoredForm(object, storedBytes);
    return object;
  }

  private validate(info: ResourceInfo, object: AnyObject, errors: ReturnType<typeof validateObject>): void {
    if (errors.length > 0) throw invalid(info.kind, object.metadata?.name ?? object.metadata?.generateName ?? '', errors);
  }

  /**
   * Replaces an object. A resourceVersion in the request makes it a compare-and-swap; without one
   * the update applies to whatever is stored (Kubernetes' unconditional update).
   */
  async update(info: ResourceInfo, namespace: string, input: AnyObject, opts: WriteOptions = {}): Promise<AnyObject> {
    return this.rewrite(info, namespace, input, 'main', opts);
  }

  async updateStatus(info: ResourceInfo, namespace: string, input: AnyObject, opts: { dryRun?: boolean; subresource?: 'status' | 'approval'; scope?: RequestScope } = {}): Promise<AnyObject> {
    const part = opts.subresource ?? 'status';
    if (!strategyFor(info)[part]) throw new ApiError('NotFound', `the server could not find the requested resource: ${info.resource}/${part}`);
    return this.rewrite(info, namespace, input, part, opts);
  }

  private async rewrite(info: ResourceInfo, namespace: string, input: AnyObject, part: 'main' | 'status' | 'approval', opts: WriteOptions): Promise<AnyObject> {
    const name = input.metadata?.name;
    if (!name) throw invalid(info.kind, '', [required(root('metadata', 'name'), 'name or generateName is required')]);
    const ns = info.namespaced ? input.metadata?.namespace || namespace : '';
    if (info.namespaced && input.metadata?.namespace && namespace && input.metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const wanted = input.metadata?.resourceVersion;
    if (wanted && !/^\d+$/.test(wanted)) throw badRequest(`invalid resourceVersion "${wanted}": it must be one the server returned`);
    for (let attempt = 0; attempt < MAX_CONTENDED_ATTEMPTS; attempt++) {
      const { stored, object: old } = await this.getStored(info, ns, name);
      if (wanted && Number(wanted) !== stored.modRevision) throw this.conflictAt(info, name, wanted, stored.modRevision);
      if (input.metadata?.uid && input.metadata.uid !== old.metadata?.uid) {
        throw uidPreconditionFailed(info.resource, name, input.metadata.uid, old.metadata?.uid ?? '');
      }
      const object = part === 'main' ? cloneObject(input) : statusUpdateOf(cloneObject(input), old);
      object.metadata = { ...object.metadata, namespace: ns || undefined };
      if (part === 'main') {
        prepareForUpdate(info, object, old);
        applyDefaults(info, object);
        updateGeneration(info, object, old);
        await this.hooks.admit?.(info, 'update', object, old, opts.scope);
        this.validate(info, object, validateObjectUpdate(info, object, old));
      } else {
        this.validate(info, object, validateStatusUpdate(info, object, old, part));
      }
      if (!opts.fieldsOwned) recordManagedFields(info, object, old, part, opts.scope?.fieldManager);
      const res = await this.commitUpdate(info, object, old, stored, opts);
      if (res) return res;
      const now = await this.store.get(objectKey(info, ns, name));
      if (!now) throw notFound(info.resource, name);
      if (now.modRevision === stored.modRevision) {
        // The object is as it was: a hook's compare (an allocation bitmap) lost a race.
        await contentionPause(attempt);
        continue;
      }
      if (wanted) throw this.conflictAt(info, name, wanted, now.modRevision);
      if (attempt >= MAX_WRITE_ATTEMPTS) break;
    }
    throw new ApiError('Conflict', `Operation cannot be fulfilled on ${info.resource} "${name}": too many concurrent changes, try again`);
  }

  /**
   * Writes an updated object at the stored revision, or deletes it when an update removed the
   * last finalizer of an object being deleted. Returns undefined when the compare failed.
   */
  private commitUpdate(info: ResourceInfo, object: AnyObject, old: AnyObject, stored: StoredValue, opts: { dryRun?: boolean }): Promise<AnyObject | undefined> {
    const deletes = finishesDeletion(strategyFor(info).deletion, object);
    return this.hookedWrite(info, deletes ? 'delete' : 'update', object, old, async () => {
      if (deletes) {
        if (opts.dryRun) return object;
        const extra = await this.hooks.txnForDelete?.(info, old);
        const res = await this.store.delete(stored.key, stored.modRevision, extra);
        return res.ok ? this.withVersion(object, res.revision) : undefined;
      }
      // As Kubernetes: an update that changes nothing is not written, so it wakes no watcher,
      // unless the value is stored under an old encryption key (rotation rewrites every object).
      const encoded = this.encode(info, object);
      if (encoded.equals(stored.value) && !stored.stale) return this.withVersion(object, stored.modRevision);
      const extra = await this.hooks.txnForUpdate?.(info, object, old);
      // Hooks that return a transaction part may have changed the object (allocations).
      const bytes = extra ? this.encode(info, object) : encoded;
      if (opts.dryRun) return object;
      const res: WriteResult = await this.store.update(stored.key, bytes, stored.modRevision, extra);
      return res.ok ? this.withVersion(object, res.revision, bytes) : undefined;
    });
  }

  private conflictAt(info: ResourceInfo, name: string, given: string, current: number): ApiError {
    return conflict(
      info.resource,
      name,
      `the object has been modified; please apply your changes to the latest version and try again (resourceVersion ${given} given, current is ${current})`,
    );
  }

  /**
   * Applies a change function to the stored object with compare-and-swap, retrying on conflicts:
   * the shape of Patch, Bind and Scale, which name an object rather than carry one.
   */
  async modify(
    info: ResourceInfo,
    namespace: string,
    name: string,
    change: (current: AnyObject) => AnyObject,
    part: 'main' | 'status' = 'main',
    opts: WriteOptions = {},
  ): Promise<AnyObject> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const { stored, object: old } = await this.getStored(info, namespace, name);
      const changed = change(cloneObject(old));
      changed.metadata = { ...changed.metadata, resourceVersion: String(stored.modRevision) };
      try {
        return await this.rewrite(info, namespace, changed, part, opts);
      } catch (err) {
        if (err instanceof ApiError && err.reason === 'Conflict' && /resourceVersion \d+ given/.test(err.message)) continue;
        throw err;
      }
    }
    throw new ApiError('Conflict', `Operation cannot be fulfilled on ${info.resource} "${name}": too many concurrent changes, try again`);
  }

  /**
   * Writes a server-side change (pod binding), made on the stored bytes, with compare-and-swap and
   * retries, bypassing the user-facing update rules that would forbid it. With cached (what the
   * watch cache holds for the object and its revision) the first try writes on that state without
   * reading etcd, as Kubernetes' GuaranteedUpdate does: one round trip instead of two when the
   * cache is current. A stale copy (the compare fails, or change refuses what may be an old state)
   * costs a read, then the usual loop. Returns the revision written.
   */
  async transform(info: ResourceInfo, namespace: string, name: string, change: (stored: Buffer) => Buffer, cached?: CachedValue): Promise<number> {
    const key = objectKey(info, namespace, name);
    if (cached) {
      let changed: Buffer | undefined;
      try {
        changed = change(cached.value);
      } catch {
        changed = undefined;
      }
      if (changed) {
        const res = await this.store.update(key, this.checkedSize(info, name, changed), cached.revision);
        if (res.ok) return res.revision;
      }
    }
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const stored = await this.store.get(key);
      if (!stored) throw notFound(info.resource, name);
      const res = await this.store.update(key, this.checkedSize(info, name, change(stored.value)), stored.modRevision);
      if (res.ok) return res.revision;
    }
    throw new ApiError('Conflict', `Operation cannot be fulfilled on ${info.resource} "${name}": too many concurrent changes, try again`);
  }

  async delete(info: ResourceInfo, namespace: string, name: string, options: DeleteOptions = {}): Promise<AnyObject> {
    for (let attempt = 0; attempt < MAX_CONTENDED_ATTEMPTS; attempt++) {
      const { stored, object } = await this.getStored(info, namespace, name);
      const pre = options.preconditions;
      if (pre?.uid !== undefined && pre.uid !== object.metadata?.uid) {
        throw uidPreconditionFailed(info.resource, name, pre.uid, object.metadata?.uid ?? '');
      }
      if (pre?.resourceVersion !== undefined && Number(pre.resourceVersion) !== stored.modRevision) {
        throw conflict(info.resource, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${stored.modRevision}`);
      }
      const plan = deletionPlan(strategyFor(info).deletion, object, options);
      if (plan.kind === 'now') {
        if (options.dryRun) return object;
        const res = await this.hookedWrite(info, 'delete', object, undefined, async () => {
          const extra: TxnExtra | undefined = await this.hooks.txnForDelete?.(info, object);
          return this.store.delete(stored.key, stored.modRevision, extra);
        });
        if (res.ok) return this.withVersion(object, res.revision);
        if (res.current?.modRevision === stored.modRevision) await contentionPause(attempt);
        continue;
      }
      if (plan.kind === 'unchanged') return object;
      if (options.dryRun) return plan.object;
      const res = await this.store.update(stored.key, this.encode(info, plan.object), stored.modRevision);
      if (res.ok) return this.withVersion(plan.object, res.revision);
    }
    throw new ApiError('Conflict', `Operation cannot be fulfilled on ${info.resource} "${name}": too many concurrent changes, try again`);
  }

  /** A paged list read from etcd (see listStored), of decoded objects. */
  async list(info: ResourceInfo, namespace: string, opts: ListOptions): Promise<ListResult> {
    const page = await this.listStored(info, namespace, { ...opts, filter: (item) => opts.filter(item.object), sizeOf: (item) => opts.sizeOf(item.object) });
    return { ...page, items: page.items.map((item) => item.object) };
  }

  /**
   * A paged list read from etcd at one revision; pages after the first reuse the first page's
   * revision. A page ends at `limit` items or when the next item would take it past maxBytes
   * (gRPC refuses messages above 4 MiB), whichever comes first; a continue token says where the
   * next one starts. Items are the stored bytes with their selection view, decoded whole only
   * when read: a list sent over gRPC splices the bytes, and its objects are never built.
   */
  async listStored(info: ResourceInfo, namespace: string, opts: ListOptions<CachedObject>): Promise<ListResult<CachedObject>> {
    const prefix = listPrefix(info, namespace);
    const position = opts.continue ? decodeContinueToken(opts.continue, prefix) : undefined;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const items: CachedObject[] = [];
    let revision = position?.revision ?? opts.revision ?? 0;
    let startAfter = position?.lastKey;
    let remaining = 0;
    let more = true;
    let bytes = 0;
    let full = false;
    try {
      // With a selector a page may filter down to fewer items than asked; keep reading until the
      // page is full or the range ends, as Kubernetes does.
      while (more && !full && (limit === 0 || items.length < limit)) {
        const want = limit ? Math.min(limit - items.length, ETCD_LIST_PAGE) : ETCD_LIST_PAGE;
        const page = await this.store.list(prefix, { limit: want, startAfter, revision });
        revision = page.revision;
        more = page.more;
        remaining = page.remaining;
        for (const [i, stored] of page.items.entries()) {
          const object = this.listed(info, stored);
          if (opts.filter(object)) {
            const size = opts.maxBytes ? opts.sizeOf(object) : 0;
            if (opts.maxBytes && items.length > 0 && bytes + size > opts.maxBytes) {
              full = true;
              more = true;
              remaining += page.items.length - i;
              break;
            }
            bytes += size;
            items.push(object);
          }
          startAfter = stored.key;
        }
      }
    } catch (err) {
      if (err instanceof CompactedError) {
        throw gone(
          opts.revision && !position
            ? 'The resourceVersion for the provided list is too old.'
            : 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        );
      }
      throw err;
    }
    const token = more && startAfter ? encodeContinueToken(revision, startAfter, prefix) : '';
    return { items, resourceVersion: String(revision), continue: token, remainingItemCount: token ? remaining : undefined };
  }
}
