import { resourceInGroup, versionedResource, type ResourceInfo } from '../../../lib/api/resources.js';

// Kubernetes' URL layout: /api/v1/... for the core group, /apis/<group>/<version>/... for the
// others; then [namespaces/<ns>/]<resource>[/<name>[/<subresource>]]. A namespace's own
// subresources (namespaces/<name>/status, /finalize) are not a namespaced resource named "status".
// A Service's proxy subresource takes the rest of the path as the path to forward, and its name
// may carry a port: services/<name>[:<port>]/proxy/<path>.

export type HealthCheck = 'healthz' | 'livez' | 'readyz';

export type Route =
  | { type: 'version' }
  | { type: 'health'; check: HealthCheck }
  | { type: 'core-versions' }
  | { type: 'groups' }
  | { type: 'group'; group: string }
  | { type: 'group-version'; group: string; version: string }
  /** /openapi/v2, /openapi/v3 (the index) and /openapi/v3/<api/v1 | apis/group/version>. */
  | { type: 'openapi'; version: 'v2' | 'v3'; groupVersionPath: string }
  | { type: 'resource'; info: ResourceInfo; namespace?: string; name?: string; subresource?: string; proxy?: ServiceProxyTarget }
  /** Prometheus metrics, authorized as the non-resource URL /metrics. */
  | { type: 'metrics' }
  /** OpenID discovery of the ServiceAccount token issuer. */
  | { type: 'oidc'; document: 'configuration' | 'jwks' }
  /** The dashboard's static files (path below /dashboard/, '' for the page itself), served without authentication. */
  | { type: 'dashboard'; path: string }
  | { type: 'not-found' };

/** Where services/<name>:<port>/proxy/<path> goes: the Service's port (name or number; '' for its only port) and the path there. */
export interface ServiceProxyTarget {
  port: string;
  path: string;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
const HEALTH_CHECKS = new Set<string>(['healthz', 'livez', 'readyz']);

function resourceRoute(group: string, version: string, parts: string[]): Route {
  if (parts.length === 0) return { type: 'group-version', group, version };
  let namespace: string | undefined;
  let rest = parts;
  if (parts[0] === 'namespaces' && parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) {
    namespace = parts[1];
    rest = parts.slice(2);
  }
  const [resource, name, subresource] = rest;
  const stored = resourceInGroup(group, resource!);
  const info = stored ? versionedResource(stored, version) : undefined;
  if (!info) return { type: 'not-found' };
  if (namespace !== undefined && !info.namespaced) return { type: 'not-found' };
  if (info.field === 'service' && subresource === 'proxy' && name) {
    const parts = name.split(':');
    // [http:]name[:port]; the proxy speaks plain HTTP only.
    if (parts.length === 3 && parts[0] === 'http') parts.shift();
    if (parts.length > 2) return { type: 'not-found' };
    const [serviceName, port = ''] = parts;
    return { type: 'resource', info, namespace, name: serviceName, subresource, proxy: { port, path: `/${rest.slice(3).map(encodeURIComponent).join('/')}` } };
  }
  if (rest.length > 3) return { type: 'not-found' };
  return { type: 'resource', info, namespace, name, subresource };
}

function decodeSegments(path: string): string[] | undefined {
  try {
    return path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

/** What a request path names; query strings are the caller's to split off first. */
export function parseRoute(path: string): Route {
  const parts = decodeSegments(path);
  if (!parts) return { type: 'not-found' };
  const [root, ...rest] = parts;
  if (root === 'version' && rest.length === 0) return { type: 'version' };
  if (root === 'dashboard') return { type: 'dashboard', path: rest.join('/') };
  if (root === 'metrics' && rest.length === 0) return { type: 'metrics' };
  if (root === '.well-known' && rest.length === 1 && rest[0] === 'openid-configuration') return { type: 'oidc', document: 'configuration' };
  if (root === 'openid' && rest.length === 2 && rest[0] === 'v1' && rest[1] === 'jwks') return { type: 'oidc', document: 'jwks' };
  if (root !== undefined && HEALTH_CHECKS.has(root)) return { type: 'health', check: root as HealthCheck };
  if (root === 'openapi' && (rest[0] === 'v2' || rest[0] === 'v3')) {
    if (rest[0] === 'v2' && rest.length > 1) return { type: 'not-found' };
    return { type: 'openapi', version: rest[0], groupVersionPath: rest.slice(1).join('/') };
  }
  if (root === 'api') {
    if (rest.length === 0) return { type: 'core-versions' };
    if (rest[0] !== 'v1') return { type: 'not-found' };
    return resourceRoute('', 'v1', rest.slice(1));
  }
  if (root === 'apis') {
    if (rest.length === 0) return { type: 'groups' };
    if (rest.length === 1) return { type: 'group', group: rest[0]! };
    return resourceRoute(rest[0]!, rest[1]!, rest.slice(2));
  }
  return { type: 'not-found' };
}
