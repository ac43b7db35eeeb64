import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import type { TxnExtra } from '../storage/store.js';

/**
 * Admission and allocation steps the registry runs around a write. `admit` may change the object
 * (defaults that depend on other objects, tolerations, priority) and may reject it; the txn hooks
 * may change it too (allocated ClusterIP) and return compares and puts that must commit in the same
 * storage transaction as the object itself. A write whose extra compares fail is retried from the
 * admitted object.
 */
export interface WriteHooks {
  /** True when the txn hooks of this kind compare shared keys: the registry then runs its writes one at a time. */
  serializeWrites?(info: ResourceInfo): boolean;
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
    serializeWrites: (info) => list.some((h) => h.serializeWrites?.(info) ?? false),
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
