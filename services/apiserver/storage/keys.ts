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
