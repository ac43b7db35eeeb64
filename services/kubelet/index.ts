/**
 * kubets' kubelet, as other folders use it: the `kubets kubelet` command, the kubelet itself, the
 * labels that mark the containers of a node of a cluster (so `kubets down` finds them), and how the node's
 * address on the Docker bridge is found, the Docker network kubenet pods join, and the rotation of
 * its client certificate.
 */
export { kubeletCommand } from './command.js';
export { Kubelet, type KubeletOptions } from './kubelet.js';
export { LABEL_CLUSTER, LABEL_CONTAINER_NAME, LABEL_CONTAINER_TYPE, LABEL_NODE, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID, isOwnedBy, ownerFilters, type ContainerOwner } from './runtime/labels.js';
export { bridgeInterfaceAddress, dockerBridgeGateway } from './bridge-gateway.js';
export { KUBENET_NETWORK } from './network/kubenet.js';
export { unmountAllUnder } from './runtime/volumes/mounts.js';
export { ClientCertificateManager, CLIENT_CERT_FILE_NAME, loadClientCertificate, rotationDeadline, type ClientCertificate } from './certificate/client-certificate.js';
