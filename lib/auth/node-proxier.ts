// The identity of one node's proxy (and the pod network agent in it). Kubernetes runs every
// kube-proxy as one shared identity, which may not write Nodes; a kubets proxy publishes its
// node's tunnel endpoint on its own Node, so each node's proxy is a user of its own, and the
// apiserver lets it change only the network annotations of that one Node.

/** Every node's proxy is in this group (RBAC binds the proxy's roles to it). */
export const NODE_PROXIERS_GROUP = 'system:node-proxiers';
/** A node's proxy is `system:kube-proxy:<node name>`. */
export const NODE_PROXIER_USER_PREFIX = 'system:kube-proxy:';
/** The Node annotations a node's proxy owns: the pod network's (backend type, backend data, public IP). */
export const NODE_NETWORK_ANNOTATION_PREFIX = 'network.kubets.io/';

/** The user and groups of the proxy of a node. */
export function nodeProxierUser(node: string): { name: string; groups: string[] } {
  return { name: `${NODE_PROXIER_USER_PREFIX}${node}`, groups: [NODE_PROXIERS_GROUP] };
}

/** The node a proxy's identity stands for (`system:kube-proxy:<name>` in `system:node-proxiers`), or undefined for anyone else. */
export function nodeOfProxier(user: { name: string; groups: readonly string[] }): string | undefined {
  if (!user.groups.includes(NODE_PROXIERS_GROUP) || !user.name.startsWith(NODE_PROXIER_USER_PREFIX)) return undefined;
  return user.name.slice(NODE_PROXIER_USER_PREFIX.length) || undefined;
}
