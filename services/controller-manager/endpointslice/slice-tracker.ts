import type { EndpointSlice } from '../../../lib/api/generated/index.js';

/**
 * Kubernetes' endpointSliceTracker: the slice writes of this controller that its cache has not
 * shown yet. Syncing a Service on such a cache would create a second slice for the same pods (or
 * bring back one it deleted); the write's own event syncs the Service again once it arrives.
 */
export class SliceTracker {
  /** service key → slice name → the resourceVersion written, or 'deleted'. */
  private readonly pending = new Map<string, Map<string, number | 'deleted'>>();

  wrote(serviceKey: string, slice: EndpointSlice): void {
    this.expect(serviceKey, slice.metadata?.name ?? '', Number(slice.metadata?.resourceVersion ?? 0));
  }

  deleted(serviceKey: string, slice: EndpointSlice): void {
    this.expect(serviceKey, slice.metadata?.name ?? '', 'deleted');
  }

  /** A slice the cache saw go, whoever deleted it: nothing about it is pending any more. */
  gone(serviceKey: string, slice: EndpointSlice): void {
    this.pending.get(serviceKey)?.delete(slice.metadata?.name ?? '');
  }

  forget(serviceKey: string): void {
    this.pending.delete(serviceKey);
  }

  /** Whether `cached` (the Service's slices in the cache) still lacks one of our writes. */
  isStale(serviceKey: string, cached: readonly EndpointSlice[]): boolean {
    const pending = this.pending.get(serviceKey);
    if (!pending) return false;
    const versions = new Map(cached.map((slice) => [slice.metadata?.name ?? '', Number(slice.metadata?.resourceVersion ?? 0)]));
    for (const [name, expected] of pending) {
      const seen = versions.get(name);
      const caughtUp = expected === 'deleted' ? seen === undefined : seen !== undefined && seen >= expected;
      if (caughtUp) pending.delete(name);
    }
    if (pending.size > 0) return true;
    this.pending.delete(serviceKey);
    return false;
  }

  private expect(serviceKey: string, name: string, version: number | 'deleted'): void {
    let pending = this.pending.get(serviceKey);
    if (!pending) this.pending.set(serviceKey, (pending = new Map()));
    pending.set(name, version);
  }
}
