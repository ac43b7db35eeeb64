import type { ResourceInfo } from '../../../lib/api/resources.js';

// Storage key layout (README, Storage): /registry/<resource>/<namespace>/<name>, cluster-scoped
// kinds without the namespace segment.
export const REGISTRY_PREFIX = '/registry/';

export function resourcePrefix(info: ResourceInfo): string {
  return `${REGISTRY_PREFIX}${info.resource}/`;
}

/** Prefix for listing: one namespace, or the whole resource when namespace is empty. */
export function listPrefix(info: ResourceInfo, namespace: string): string {
  return info.namespaced && namespace ? `${resourcePrefix(info)}${namespace}/` : resourcePrefix(info);
}

export function objectKey(info: ResourceInfo, namespace: string, name: string): string {
  return info.namespaced ? `${resourcePrefix(info)}${namespace}/${name}` : `${resourcePrefix(info)}${name}`;
}

/** The first key after every key that starts with prefix (etcd's range end for a prefix). */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/** Index of the first key in sorted that is >= key. */
export function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
