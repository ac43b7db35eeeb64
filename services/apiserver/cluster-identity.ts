import type { Store } from './storage/store.js';

/** Where etcd keeps the identity of the cluster it belongs to. */
export const CLUSTER_ID_KEY = '/registry/kubets/cluster-id';

export class ClusterIdentityError extends Error {
  override readonly name = 'ClusterIdentityError';
}

/**
 * Binds etcd to one cluster: the first apiserver with --cluster-id writes it, every later one must
 * carry the same. An apiserver pointed at another cluster's etcd (a port clash between two local
 * clusters, a wrong --etcd-servers) stops before it writes anything there.
 */
export async function claimClusterIdentity(store: Store, clusterId: string): Promise<void> {
  const created = await store.create(CLUSTER_ID_KEY, Buffer.from(clusterId));
  if (created.ok) return;
  const stored = created.current?.value.toString();
  if (stored !== clusterId) {
    throw new ClusterIdentityError(
      `etcd belongs to cluster ${JSON.stringify(stored)}, not to cluster ${JSON.stringify(clusterId)} (--cluster-id): is --etcd-servers another cluster's etcd?`,
    );
  }
}
