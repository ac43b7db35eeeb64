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
