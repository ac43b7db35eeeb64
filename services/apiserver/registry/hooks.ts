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

/**
 * Runs step over the hook sets one after another, from the set at `from`. A set with nothing to
 * do for the write answers the shared settled DONE (a combined set without plugins for the kind):
 * the next one starts at once instead of a microtask later, so a write through sets that all have
 * nothing to do costs no promise.
 */
function inOrder<H>(list: readonly H[], step: (h: H) => Promise<void>, from = 0): Promise<void> {
  for (let i = from; i < list.length; i++) {
    const done = step(list[i]!);
    if (done === DONE) continue;
    return i === list.length - 1 ? done : done.then(() => inOrder(list, step, i + 1));
  }
  return DONE;
}

function merge(merged: TxnExtra | undefined, part: TxnExtra | undefined): TxnExtra | undefined {
  if (!part) return merged;
  return merged ? { compares: [...merged.compares, ...part.compares], puts: [...merged.puts, ...part.puts] } : part;
}

/** The transaction parts of the hook sets from `from`, merged into `merged`; sets answering the shared NO_PART are passed at once. */
function mergedParts<H>(list: readonly H[], step: (h: H) => Promise<TxnExtra | undefined>, from = 0, merged?: TxnExtra): Promise<TxnExtra | undefined> {
  for (let i = from; i < list.length; i++) {
    const part = step(list[i]!);
    if (part === NO_PART) continue;
    if (i === list.length - 1 && !merged) return part;
    return part.then((p) => mergedParts(list, step, i + 1, merge(merged, p)));
  }
  return merged ? Promise.resolve(merged) : NO_PART;
}

/** A step that throws before its first await fails as a rejected promise, as an async function would. */
function settled<T>(run: () => Promise<T>): Promise<T> {
  try {
    return run();
  } catch (err) {
    return Promise.reject(err);
  }
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
    admit: (info, op, object, old, scope) => settled(() => inOrder(admits, (h) => h.admit(info, op, object, old, scope))),
    txnForCreate: (info, object) => settled(() => mergedParts(creates, (h) => h.txnForCreate(info, object))),
    txnForUpdate: (info, object, old) => settled(() => mergedParts(updates, (h) => h.txnForUpdate(info, object, old))),
    txnForDelete: (info, old) => settled(() => mergedParts(deletes, (h) => h.txnForDelete(info, old))),
    changesOnCreate: (info) => changing.some((h) => h.changesOnCreate(info)),
  };
}
