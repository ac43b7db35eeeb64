/** Who is asking, as the authenticator (or impersonation) established it. */
export interface UserInfo {
  readonly name: string;
  readonly uid?: string;
  readonly groups: readonly string[];
}

/**
 * What one request asks to do, Kubernetes' authorizer.Attributes: every request gets one, whatever
 * transport it came by, and the authorizers see nothing else.
 */
export interface Attributes {
  user: UserInfo;
  verb: string;
  /** False for non-resource requests (`/version`, `/healthz`), which only `path` describes. */
  resourceRequest: boolean;
  apiGroup: string;
  resource: string;
  subresource: string;
  /** '' for cluster-scoped resources and for requests across all namespaces. */
  namespace: string;
  /** '' when the request names no single object (list, watch, create). */
  name: string;
  path: string;
}

export const SYSTEM_MASTERS = 'system:masters';
export const SYSTEM_AUTHENTICATED = 'system:authenticated';
export const SYSTEM_NODES = 'system:nodes';
export const NODE_USER_PREFIX = 'system:node:';

export function resourceAttributes(
  user: UserInfo,
  verb: string,
  r: { apiGroup: string; resource: string; subresource?: string; namespace?: string; name?: string },
): Attributes {
  return { user, verb, resourceRequest: true, apiGroup: r.apiGroup, resource: r.resource, subresource: r.subresource ?? '', namespace: r.namespace ?? '', name: r.name ?? '', path: '' };
}

export function nonResourceAttributes(user: UserInfo, verb: string, path: string): Attributes {
  return { user, verb, resourceRequest: false, apiGroup: '', resource: '', subresource: '', namespace: '', name: '', path };
}
