// etcd 3.4 has no reliable way to ask a watch "have you sent everything up to revision N?" (its
// progress request can overtake events), yet a consistent read must wait until the cache has
// every change up to etcd's current revision, which is often a write to another resource that
// this cache never hears about. So each cache watches one extra key next to its prefix and, when
// a reader waits for a revision it has not seen, writes that key: the write's event arrives after
// every earlier event, and proves the cache current up to its revision.
//
// The watched range is [`/registry/pods`, `/registry/pods0`): the resource's keys
// (`/registry/pods/...`) plus `/registry/pods#progress`. Resource names are lower-case letters,
// so no other resource's keys fall inside it.

/** The key a cache writes to learn that it is current, for a resource prefix ending in '/'. */
export function progressKey(resourcePrefix: string): string {
  return `${resourcePrefix.slice(0, -1)}#progress`;
}

/** The etcd range a cache watches: its resource prefix and its progress key. */
export function watchedRange(resourcePrefix: string): { start: string; end: string } {
  const base = resourcePrefix.slice(0, -1);
  return { start: base, end: `${base}0` };
}
