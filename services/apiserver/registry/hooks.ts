import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import type { TxnExtra } from '../storage/store.js';

export type WriteOp = 'create' | 'update' | 'delete';

/**
 * Admission and allocation steps the registry runs around a write. `admit` may change the object
 * (defaults that depend on other objects, tolerations, priority) and may reject it; the txn hooks
 * may change it too (allocated ClusterIP) and return compares and puts that must commit in the same
 * storage transaction as the object itself. A write whose extra compares fail is retried from the
 * admitted object.
 */
export interface WriteHooks {
  /**
   * The lanes of a write whose txn hooks compare shared keys (the allocation bitmaps, a namespace's
   * quotas): the registry runs writes that share a lane one at a time, so that this apiserver's
   * writes do not fail each other's compares. Another apiserver's still can; those are retried.
   */
  writeLanes?(info: ResourceInfo, op: WriteOp, object: AnyObject, old?: AnyObject): string[];
  admit?(info: ResourceInfo, op: 'create' | 'update', object: AnyObject, old?: AnyObject): Promise<void>;
  txnForCreate?(info: ResourceInfo, object: AnyObject): Promise<TxnExtra | undefined>;
  txnForUpdate?(info: ResourceInfo, object: AnyObject, old: AnyObject): Promise<TxnExtra | undefined>;
  txnForDelete?(info: ResourceInfo, old: AnyObject): Promise<TxnExtra | undefined>;
}

/** Runs several hook sets in order, merging their transaction parts. */
export function combineHooks(list: WriteHooks[]): Required<WriteHooks> {
  const merge = (parts: (TxnExtra | undefined)[]): TxnExtra | undefined => {
    const present = parts.filter((p): p is TxnExtra => p !== undefined);
    if (present.length === 0) return undefined;
    return { compares: present.flatMap((p) => p.compares), puts: present.flatMap((p) => p.puts) };
  };
  return {
    writeLanes: (info, op, object, old) => [...new Set(list.flatMap((h) => h.writeLanes?.(info, op, object, old) ?? []))].sort(),
    async admit(info, op, object, old) {
      for (const h of list) await h.admit?.(info, op, object, old);
    },
    async txnForCreate(info, object) {
      const parts = [];
      for (const h of list) parts.push(await h.txnForCreate?.(info, object));
      return merge(parts);
    },
    async txnForUpdate(info, object, old) {
      const parts = [];
      for (const h of list) parts.push(await h.txnForUpdate?.(info, object, old));
      return merge(parts);
    },
    async txnForDelete(info, old) {
      const parts = [];
      for (const h of list) parts.push(await h.txnForDelete?.(info, old));
      return merge(parts);
    },
  };
}
