import type { KubeObject } from '../../../lib/client/keys.js';

/** Kubernetes' ExpectationsTimeout: past this, a controller stops waiting for its cache and acts again. */
const EXPECTATIONS_TTL_MS = 5 * 60_000;

interface Pending {
  /** The highest resourceVersion among the writes the cache has to show. */
  resourceVersion: number;
  since: number;
}

/**
 * Kubernetes' controller expectations, by resourceVersion rather than by counting events: a
 * controller that created or deleted objects does not act on the same owner again until the
 * informer's cache has caught up with those writes (its resourceVersion has reached theirs), so a
 * lagging cache cannot make it create twice. Being read at sync time, this needs no bookkeeping
 * in event handlers, and an object created and deleted before the cache saw it still counts.
 */
export class Expectations {
  private readonly pending = new Map<string, Pending>();

  constructor(
    /** The resourceVersion the cache of the written kind is current to (Informer.lastSyncResourceVersion). */
    private readonly cacheVersion: () => string,
    private readonly ttlMs = EXPECTATIONS_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a write the controller made for an owner, as the API returned it. */
  expectWrite(controllerKey: string, written: KubeObject): void {
    const rv = Number(written.metadata?.resourceVersion);
    if (!Number.isFinite(rv)) return;
    const p = this.pending.get(controllerKey);
    this.pending.set(controllerKey, { resourceVersion: Math.max(rv, p?.resourceVersion ?? 0), since: this.now() });
  }

  /** True when the cache shows every write recorded for the owner (or they are too old to wait for). */
  satisfied(controllerKey: string): boolean {
    const p = this.pending.get(controllerKey);
    if (!p) return true;
    const cached = Number(this.cacheVersion());
    if ((Number.isFinite(cached) && cached >= p.resourceVersion) || this.now() - p.since > this.ttlMs) {
      this.pending.delete(controllerKey);
      return true;
    }
    return false;
  }

  /** Drops what was expected for an owner that is gone. */
  forget(controllerKey: string): void {
    this.pending.delete(controllerKey);
  }
}
