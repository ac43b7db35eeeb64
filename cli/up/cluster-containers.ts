import type Docker from 'dockerode';
import { LABEL_CLUSTER } from '../../services/kubelet/index.js';

/**
 * Removes the pod containers a cluster's kubelets made on one engine, found by the cluster ID they
 * carry whatever their node names; another cluster's, even of a node named alike, stay.
 */
export async function removeClusterContainers(docker: Docker, clusterId: string): Promise<number> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL_CLUSTER}=${clusterId}`] } });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  return containers.length;
}
