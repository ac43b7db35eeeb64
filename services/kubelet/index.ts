/**
 * kubets' kubelet, as other folders use it: the `kubets kubelet` command, the kubelet itself, the
 * label that marks the containers of a node (so `kubets down` finds them), and how the node's
 * address on the Docker bridge is found, and the Docker network kubenet pods join.
 */
export { kubeletCommand } from './command.js';
export { Kubelet, type KubeletOptions } from './kubelet.js';
export { LABEL_CONTAINER_NAME, LABEL_CONTAINER_TYPE, LABEL_NODE, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID } from './runtime/labels.js';
export { bridgeInterfaceAddress, dockerBridgeGateway } from './bridge-gateway.js';
export { KUBENET_NETWORK } from './network/kubenet.js';
export { unmountAllUnder } from './runtime/volumes/mounts.js';
