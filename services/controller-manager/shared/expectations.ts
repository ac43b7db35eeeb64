import type { KubeObject } from '../../../lib/client/keys.js';

/** Kubernetes' ExpectationsTimeout: past this, a controller stops waiting for its cache and acts again. */
export const EXPECTATIONS_TTL_MS = 5 * 60_000;

interface Pending {
  /** Keys of objects created but not yet in the cache. */
  created: Set<string>;
  /** Keys (and uids) of objects deleted but still in the cache as they were. */
  deleted: Map<string, string>;
  since: number;
}

/**
 * Kubernetes' controller expectations, tracked by object rather than by count: a controller that
 * created or deleted objects does not act on the same owner again until its cache shows those
 * writes, so a lagging informer cannot make it create twice. Whether they are met is read from the
 * cache at sync time, so event handlers only enqueue keys.
 */
export class Expectations {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly ttlMs = EXPECTATIONS_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  expectCreation(controllerKey: string, objectKey: string): void {
    this.record(controllerKey).created.add(objectKey);
  }

  expectDeletion(controllerKey: string, objectKey: string, uid: string): void {
    this.record(controllerKey).deleted.set(objectKey, uid);
  }

  /**
   * True when the cache shows every expected write (or they are too old to wait for). Met
   * expectations are forgotten as a side effect.
   */
  satisfied(controllerKey: string, lookup: (objectKey: string) => KubeObject | undefined): boolean {
    const p = this.pending.get(controllerKey);
    if (!p) return true;
    for (const key of p.created) if (lookup(key)) p.created.delete(key);
    for (const [key, uid] of p.deleted) {
      const obj = lookup(key);
      if (!obj || obj.metadata?.uid !== uid || obj.metadata?.deletionTimestamp) p.deleted.delete(key);
    }
    if ((p.created.size === 0 && p.deleted.size === 0) || this.now() - p.since > this.ttlMs) {
      this.pending.delete(controllerKey);
      return true;
    }
    return false;
  }

  /** Drops what was expected for an owner that is gone. */
  forget(controllerKey: string): void {
    this.pending.delete(controllerKey);
  }

  private record(controllerKey: string): Pending {
    let p = this.pending.get(controllerKey);
    if (!p) this.pending.set(controllerKey, (p = { created: new Set(), deleted: new Map(), since: 0 }));
    p.since = this.now();
    return p;
  }
}
