import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import type { RequestScope } from '../request-scope.js';
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
  /** scope: the request the write serves (its user; where warnings and audit annotations go), absent for the apiserver's own writes. */
  admit?(info: ResourceInfo, op: 'create' | 'update', object: AnyObject, old?: AnyObject, scope?: RequestScope): Promise<void>;
  txnForCreate?(info: ResourceInfo, object: AnyObject): Promise<TxnExtra | undefined>;
  /**
   * Whether txnForCreate may change the object of this kind (an allocation written into it).
   * Only then does each attempt of a create start from a copy, so that a retried attempt starts
   * from the admitted object; hooks that only add compares and puts leave it as it was.
   */
  changesOnCreate?(info: ResourceInfo): boolean;
  txnForUpdate?(info: ResourceInfo, object: AnyObject, old: AnyObject): Promise<TxnExtra | undefined>;
  txnForDelete?(info: ResourceInfo, old: AnyObject): Promise<TxnExtra | undefined>;
}

const NO_LANES: readonly string[] = Object.freeze([]);
const DONE: Promise<void> = Promise.resolve();
const NO_PART: Promise<TxnExtra | undefined> = Promise.resolve(undefined);

/** Runs step over the hook sets one after another; a list without any costs no promise (most kinds have no kind-specific plugin). */
function inOrder<H>(list: readonly H[], step: (h: H) => Promise<void>): Promise<void> {
  if (list.length === 0) return DONE;
  if (list.length === 1) return step(list[0]!);
  return (async () => {
    for (const h of list) await step(h);
  })();
}

/** The transaction parts of the hook sets, merged; undefined when none adds one. */
function mergedParts<H>(list: readonly H[], step: (h: H) => Promise<TxnExtra | undefined>): Promise<TxnExtra | undefined> {
  if (list.length === 0) return NO_PART;
  if (list.length === 1) return step(list[0]!);
  return (async () => {
    let merged: TxnExtra | undefined;
    for (const h of list) {
      const part = await step(h);
      if (part) merged = merged ? { compares: [...merged.compares, ...part.compares], puts: [...merged.puts, ...part.puts] } : part;
    }
    return merged;
  })();
}

/**
 * Runs several hook sets in order, merging their transaction parts. Each step calls only the sets
 * that have it, without a promise for those that do not (every write goes through here).
 */
export function combineHooks(list: WriteHooks[]): Required<WriteHooks> {
  const having = <K extends keyof WriteHooks>(step: K): Required<Pick<WriteHooks, K>>[] => list.filter((h): h is WriteHooks & Required<Pick<WriteHooks, K>> => h[step] !== undefined);
  const lanes = having('writeLanes');
  const admits = having('admit');
  const creates = having('txnForCreate');
  const updates = having('txnForUpdate');
  const deletes = having('txnForDelete');
  const changing = having('changesOnCreate');
  return {
    writeLanes(info, op, object, old) {
      let all: string[] | undefined;
      for (const h of lanes) {
        const some = h.writeLanes(info, op, object, old);
        if (some.length > 0) (all ??= []).push(...some);
      }
      return all ? [...new Set(all)].sort() : (NO_LANES as string[]);
    },
    admit: (info, op, object, old, scope) => inOrder(admits, (h) => h.admit(info, op, object, old, scope)),
    txnForCreate: (info, object) => mergedParts(creates, (h) => h.txnForCreate(info, object)),
    txnForUpdate: (info, object, old) => mergedParts(updates, (h) => h.txnForUpdate(info, object, old)),
    txnForDelete: (info, old) => mergedParts(deletes, (h) => h.txnForDelete(info, old)),
    changesOnCreate: (info) => changing.some((h) => h.changesOnCreate(info)),
  };
}
