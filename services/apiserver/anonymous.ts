import type { ResourceInfo } from '../../lib/api/resources.js';
import { ANONYMOUS_USER, CLUSTER_INFO_NAME, CLUSTER_INFO_NAMESPACE, UNAUTHENTICATED_GROUP } from '../../lib/auth/cluster-info.js';
import type { UserInfo } from './authz/index.js';

/** kubeadm's anonymous user, in the one group it has. */
export const ANONYMOUS: UserInfo = { name: ANONYMOUS_USER, groups: [UNAUTHENTICATED_GROUP] };

/**
 * The one request served without credentials, on gRPC and HTTP alike: reading kube-public's
 * cluster-info, which joining nodes check against their CA hash. RBAC still decides (a Role
 * grants exactly that object); every other request without credentials is Unauthorized.
 */
export function isClusterInfoRead(info: ResourceInfo | undefined, verb: string, namespace: string | undefined, name: string | undefined): boolean {
  return verb === 'get' && info?.field === 'configMap' && namespace === CLUSTER_INFO_NAMESPACE && name === CLUSTER_INFO_NAME;
}
