import type { ResourceInfo } from './resources.js';

// The verbs discovery lists for each kind, which the HTTP API serves and `kubets api-resources
// -o wide` prints, as Kubernetes lists them.

const STORED_VERBS: readonly string[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/** Measured kinds (metrics.k8s.io) are read, never written or watched. */
const MEASURED_VERBS: readonly string[] = ['get', 'list'];

export function resourceVerbs(r: ResourceInfo): string[] {
  return [...(r.stored ? STORED_VERBS : MEASURED_VERBS)];
}
