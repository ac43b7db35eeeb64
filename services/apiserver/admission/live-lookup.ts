/**
 * Kubernetes' live lookup of an admission plugin that reads a namespace's objects from the watch
 * cache: when the cache has none, one may have been created a moment ago (through this apiserver or
 * another) and not have reached it yet, so storage is asked. As Kubernetes does (LimitRanger's
 * liveLookupCache, 30 s), an empty answer is kept for a while and concurrent lookups of a namespace
 * share one read; otherwise every pod created in a namespace without LimitRanges would cost an etcd
 * read. A non-empty answer is not kept: the cache has the objects soon, and a deletion then counts.
 */
export interface LiveLookupOptions {
  ttlMs: number;
  /** Namespaces remembered at most; the oldest answer goes first. */
  maxEntries: number;
  now?: () => number;
}

interface Entry<T> {
  answer: Promise<T[]>;
  /** Until when an empty answer stands; Infinity while the read is under way. */
  until: number;
}

export function liveLookup<T>(read: (namespace: string) => Promise<T[]>, opts: LiveLookupOptions): (namespace: string) => Promise<T[]> {
  const now = opts.now ?? Date.now;
  const entries = new Map<string, Entry<T>>();
  return (namespace) => {
    const entry = entries.get(namespace);
    if (entry && entry.until > now()) return entry.answer;
    entries.delete(namespace);
    const fresh: Entry<T> = { answer: read(namespace), until: Infinity };
    entries.set(namespace, fresh);
    if (entries.size > opts.maxEntries) entries.delete(entries.keys().next().value!);
    const forget = (): void => {
      if (entries.get(namespace) === fresh) entries.delete(namespace);
    };
    fresh.answer.then((items) => {
      if (items.length === 0) fresh.until = now() + opts.ttlMs;
      else forget();
    }, forget);
    return fresh.answer;
  };
}
