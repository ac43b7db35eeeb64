import type { ApiClient } from '../../lib/client/client.js';

/** Times on this machine's clock (ms since the epoch), comparable across processes. */
export interface Sightings {
  /** When each pod's creation reached a watcher: from then on the scheduler could see it too. */
  added: Map<string, number>;
  bound: Map<string, number>;
}

export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Resolves with the times each named pod was first seen, and first seen bound, once all are bound. */
export function watchBindings(client: ApiClient, namespace: string, names: Set<string>, resourceVersion: string, timeoutMs: number): Promise<Sightings> {
  const seen: Sightings = { added: new Map(), bound: new Map() };
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  return (async () => {
    try {
      for await (const ev of client.resource('pod').watch(namespace, { resourceVersion, signal: abort.signal })) {
        const name = ev.object.metadata?.name ?? '';
        if (!names.has(name)) continue;
        const now = epochNow();
        if (!seen.added.has(name)) seen.added.set(name, now);
        if (ev.object.spec?.nodeName && !seen.bound.has(name)) {
          seen.bound.set(name, now);
          if (seen.bound.size === names.size) break;
        }
      }
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
    if (seen.bound.size < names.size) throw new Error(`only ${seen.bound.size}/${names.size} pods bound within ${timeoutMs / 1000}s`);
    return seen;
  })();
}
