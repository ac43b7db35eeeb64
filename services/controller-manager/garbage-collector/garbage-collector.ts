import { isApiError, isGoneOrReplaced } from '../../../lib/api/errors.js';
import type { OwnerReference } from '../../../lib/api/generated/index.js';
import { resourceByKind, resources, type EnvelopeField, type ResourceInfo } from '../../../lib/api/resources.js';
import { keyFor, keyOf, type KubeObject } from '../../../lib/client/keys.js';
import type { ResourceClient } from '../../../lib/client/resource-client.js';
import type { Informer } from '../../../lib/informer/informer.js';
import { ensureIndex, type ControllerContext } from '../common/controller.js';
import { QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, removeFinalizer } from './finalizers.js';

/** Index of objects by the uid of each of their owners. */
const OWNER_UID_INDEX = 'ownerUid';

// Events are never owners or dependents worth tracking (Kubernetes' GC ignores them too).
const IGNORED: ReadonlySet<EnvelopeField> = new Set(['event']);
// Owners confirmed absent; uids are never reused, so the answer never goes stale.
const ABSENT_CACHE_SIZE = 4096;

interface GarbageCollectorOptions {
  /** --concurrent-gc-syncs; default 20. */
  workers?: number;
}

type Item = `${EnvelopeField}|${string}`;

interface Classified {
  solid: OwnerReference[];
  dangling: OwnerReference[];
  waiting: OwnerReference[];
}

const ownerUids = (obj: KubeObject): string[] => (obj.metadata?.ownerReferences ?? []).map((r) => r.uid ?? '').filter(Boolean);
const hasFinalizer = (obj: KubeObject, f: string): boolean => (obj.metadata?.finalizers ?? []).includes(f);
/** What the collector's decisions depend on: owners, deletion, finalizers. */
const gcState = (obj: KubeObject): string =>
  JSON.stringify([obj.metadata?.ownerReferences ?? [], obj.metadata?.deletionTimestamp ?? '', obj.metadata?.finalizers ?? []]);

/**
 * Kubernetes' garbage collector over informer caches: an object whose owners (by uid) are all
 * gone is deleted (with the propagation its own finalizers ask for); an owner deleted in the
 * foreground keeps its `foregroundDeletion` finalizer until its blocking dependents are gone; an
 * owner deleted with `orphan` has its references removed from its dependents first.
 */
export class GarbageCollector extends QueueController<Item> {
  private readonly informers = new Map<EnvelopeField, Informer<KubeObject>>();
  private readonly absentOwners = new Set<string>();

  constructor(ctx: ControllerContext, options: GarbageCollectorOptions = {}) {
    super('garbagecollector', ctx, { workers: options.workers ?? 20 });
    for (const info of resources) {
      if (IGNORED.has(info.field) || !info.stored) continue;
      const informer = ctx.informers.informerFor(info.field) as unknown as Informer<KubeObject>;
      ensureIndex(informer.store, OWNER_UID_INDEX, ownerUids);
      this.informers.set(info.field, informer);
    }
  }

  protected handlers(): HandlerRegistration[] {
    return [...this.informers].map(([field, informer]) => () =>
      informer.addEventHandler({
        onAdd: (obj) => this.enqueueIfRelevant(field, obj),
        onUpdate: (old, cur) => {
          // Status churn (every pod heartbeat) changes nothing the collector decides on.
          if (gcState(old) !== gcState(cur)) this.enqueueIfRelevant(field, cur);
        },
        onDelete: (obj) => {
          this.enqueueDependents(obj.metadata?.uid ?? '');
          this.enqueueOwners(obj);
        },
      }),
    );
  }

  private item(field: EnvelopeField, obj: KubeObject): Item {
    return `${field}|${keyOf(obj)}`;
  }

  private enqueueIfRelevant(field: EnvelopeField, obj: KubeObject): void {
    const meta = obj.metadata ?? {};
    const deletingWithPolicy = meta.deletionTimestamp && (hasFinalizer(obj, FOREGROUND_FINALIZER) || hasFinalizer(obj, ORPHAN_FINALIZER));
    if (deletingWithPolicy || (meta.ownerReferences?.length ?? 0) > 0) this.queue.add(this.item(field, obj));
  }

  private dependentsOf(uid: string): { field: EnvelopeField; obj: KubeObject }[] {
    if (!uid) return [];
    const out: { field: EnvelopeField; obj: KubeObject }[] = [];
    for (const [field, informer] of this.informers) for (const obj of informer.store.listByIndex(OWNER_UID_INDEX, uid)) out.push({ field, obj });
    return out;
  }

  private enqueueDependents(uid: string): void {
    for (const { field, obj } of this.dependentsOf(uid)) this.queue.add(this.item(field, obj));
  }

  /** A dependent that went away may have been the last thing an owner deleted in the foreground waited for. */
  private enqueueOwners(obj: KubeObject): void {
    for (const ref of obj.metadata?.ownerReferences ?? []) {
      const info = resourceByKind(ref.kind ?? '');
      if (!info || IGNORED.has(info.field)) continue;
      const owner = this.informers.get(info.field)?.store.get(keyFor(info.namespaced ? (obj.metadata?.namespace ?? '') : '', ref.name ?? ''));
      if (owner && owner.metadata?.uid === ref.uid) this.queue.add(this.item(info.field, owner));
    }
  }

  private client(field: EnvelopeField): ResourceClient<KubeObject> {
    return this.ctx.client.resource(field) as unknown as ResourceClient<KubeObject>;
  }

  async sync(item: Item): Promise<void> {
    const bar = item.indexOf('|');
    const field = item.slice(0, bar) as EnvelopeField;
    const obj = this.informers.get(field)?.store.get(item.slice(bar + 1));
    if (!obj) return;
    if (obj.metadata?.deletionTimestamp) {
      if (hasFinalizer(obj, ORPHAN_FINALIZER)) await this.orphanDependents(field, obj);
      else if (hasFinalizer(obj, FOREGROUND_FINALIZER)) await this.processDeletingDependents(field, obj);
      return;
    }
    if ((obj.metadata?.ownerReferences?.length ?? 0) === 0) return;
    await this.attemptToDelete(field, obj);
  }

  /** Kubernetes' attemptToDeleteItem: keep the object while one owner stands; otherwise delete it. */
  private async attemptToDelete(field: EnvelopeField, obj: KubeObject): Promise<void> {
    const refs = await this.classify(obj);
    const meta = obj.metadata ?? {};
    if (refs.solid.length > 0) {
      const gone = [...refs.dangling, ...refs.waiting];
      if (gone.length === 0) return;
      // Still owned by someone: just drop the references to owners that are gone or going.
      const patch = { metadata: { ownerReferences: gone.map((r) => ({ $patch: 'delete', uid: r.uid })), uid: meta.uid } };
      await this.ignoreGone(this.client(field).patch(meta.namespace ?? '', meta.name ?? '', patch, { type: 'strategic' }));
      return;
    }
    let policy: 'Foreground' | 'Background' | 'Orphan' = 'Background';
    if (refs.waiting.length > 0 && this.dependentsOf(meta.uid ?? '').length > 0) policy = 'Foreground';
    else if (hasFinalizer(obj, ORPHAN_FINALIZER)) policy = 'Orphan';
    else if (hasFinalizer(obj, FOREGROUND_FINALIZER)) policy = 'Foreground';
    this.log.debug({ object: `${field} ${keyOf(obj)}`, policy }, 'deleting object whose owners are gone');
    await this.ignoreGone(this.client(field).delete(meta.namespace ?? '', meta.name ?? '', { propagationPolicy: policy, preconditions: { uid: meta.uid ?? '' } }));
  }

  /** Sorts an object's owner references into owners that stand, owners that are gone, and owners deleting in the foreground. */
  private async classify(obj: KubeObject): Promise<Classified> {
    const out: Classified = { solid: [], dangling: [], waiting: [] };
    for (const ref of obj.metadata?.ownerReferences ?? []) {
      const owner = await this.lookupOwner(ref, obj);
      if (owner === 'unknown') out.solid.push(ref);
      else if (!owner) out.dangling.push(ref);
      else if (owner.metadata?.deletionTimestamp && hasFinalizer(owner, FOREGROUND_FINALIZER)) out.waiting.push(ref);
      else out.solid.push(ref);
    }
    return out;
  }

  /**
   * The owner a reference names, from the cache or, when the cache does not have it (yet), from
   * the API, as Kubernetes' isDangling does. 'unknown' for kinds we do not serve: never treated as gone.
   */
  private async lookupOwner(ref: OwnerReference, dependent: KubeObject): Promise<KubeObject | undefined | 'unknown'> {
    const uid = ref.uid ?? '';
    if (this.absentOwners.has(uid)) return undefined;
    const info: ResourceInfo | undefined = resourceByKind(ref.kind ?? '');
    if (!info) return 'unknown';
    const dependentNamespace = dependent.metadata?.namespace ?? '';
    // A cluster-scoped object cannot be owned by a namespaced one.
    if (info.namespaced && !dependentNamespace) return this.markAbsent(uid);
    const namespace = info.namespaced ? dependentNamespace : '';
    const cached = this.informers.get(info.field)?.store.get(keyFor(namespace, ref.name ?? ''));
    if (cached?.metadata?.uid === uid) return cached;
    try {
      const live = await this.client(info.field).get(namespace, ref.name ?? '');
      return live.metadata?.uid === uid ? live : this.markAbsent(uid);
    } catch (err) {
      if (isApiError(err, 'NotFound')) return this.markAbsent(uid);
      throw err;
    }
  }

  private markAbsent(uid: string): undefined {
    this.absentOwners.add(uid);
    if (this.absentOwners.size > ABSENT_CACHE_SIZE) this.absentOwners.delete(this.absentOwners.values().next().value!);
    return undefined;
  }

  /** Foreground deletion: dependents go first; the owner's finalizer goes once no dependent blocks it. */
  private async processDeletingDependents(field: EnvelopeField, owner: KubeObject): Promise<void> {
    const uid = owner.metadata?.uid ?? '';
    const dependents = this.dependentsOf(uid);
    const blocking = dependents.filter(({ obj }) => obj.metadata?.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion === true));
    if (blocking.length === 0) {
      await this.ignoreGone(removeFinalizer(this.client(field), owner, FOREGROUND_FINALIZER));
      return;
    }
    for (const { field: depField, obj } of dependents) if (!obj.metadata?.deletionTimestamp) this.queue.add(this.item(depField, obj));
  }

  /** Orphan deletion: remove the owner from each dependent's references, then the owner's finalizer. */
  private async orphanDependents(field: EnvelopeField, owner: KubeObject): Promise<void> {
    const uid = owner.metadata?.uid ?? '';
    for (const { field: depField, obj } of this.dependentsOf(uid)) {
      const meta = obj.metadata ?? {};
      const patch = { metadata: { ownerReferences: [{ $patch: 'delete', uid }], uid: meta.uid } };
      await this.ignoreGone(this.client(depField).patch(meta.namespace ?? '', meta.name ?? '', patch, { type: 'strategic' }));
    }
    await this.ignoreGone(removeFinalizer(this.client(field), owner, ORPHAN_FINALIZER));
  }

  /**
   * A NotFound or a failed uid precondition means the object is gone or replaced: nothing left to
   * do for it. Any other error is retried: a dependent's status churn wakes no sync here.
   */
  private async ignoreGone(call: Promise<unknown>): Promise<void> {
    try {
      await call;
    } catch (err) {
      if (!isGoneOrReplaced(err)) throw err;
    }
  }
}

