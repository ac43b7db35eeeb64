/**
 * Labels on every container the kubelet makes. They are the kubelet's only memory across restarts:
 * a new kubelet finds its containers by node (and cluster) label, groups them by pod uid, and reads
 * the restart count and spec hash back from them.
 */
export const LABEL_POD_UID = 'io.kubets.pod.uid';
export const LABEL_POD_NAME = 'io.kubets.pod.name';
export const LABEL_POD_NAMESPACE = 'io.kubets.pod.namespace';
export const LABEL_CONTAINER_NAME = 'io.kubets.container.name';
export const LABEL_NODE = 'io.kubets.node';
/** The cluster the node belongs to (`kubets up` passes its cluster ID): two clusters may name a node alike on one engine. */
export const LABEL_CLUSTER = 'io.kubets.cluster';
export const LABEL_RESTART_COUNT = 'io.kubets.container.restartCount';
export const LABEL_CONTAINER_HASH = 'io.kubets.container.hash';
/** Lets a kubelet stop a container gracefully even when the pod object is gone. */
export const LABEL_GRACE_PERIOD = 'io.kubets.pod.terminationGracePeriod';
/** `init` or `app`; the sandbox is recognised by its container name. */
export const LABEL_CONTAINER_TYPE = 'io.kubets.container.type';

/** The container name Kubernetes gives the pod sandbox (pause container). */
export const SANDBOX_CONTAINER_NAME = 'POD';

/** Whose containers these are: a node, of a cluster when the kubelet was given one. */
export interface ContainerOwner {
  nodeName: string;
  clusterId?: string;
}

export function ownerLabels(owner: ContainerOwner): Record<string, string> {
  return { [LABEL_NODE]: owner.nodeName, ...(owner.clusterId !== undefined && { [LABEL_CLUSTER]: owner.clusterId }) };
}

/** Docker label filters that select an owner's containers (`extra` narrows further, e.g. to one pod). */
export function ownerFilters(owner: ContainerOwner, ...extra: string[]): { label: string[] } {
  return { label: [...Object.entries(ownerLabels(owner)).map(([k, v]) => `${k}=${v}`), ...extra] };
}

/**
 * Whether a container is the owner's. Docker cannot filter on a missing label, so a kubelet without
 * a cluster ID checks here that it does not take a cluster's containers for its own.
 */
export function isOwnedBy(labels: Record<string, string> | undefined, owner: ContainerOwner): boolean {
  return labels?.[LABEL_NODE] === owner.nodeName && labels[LABEL_CLUSTER] === owner.clusterId;
}
