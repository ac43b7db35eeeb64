// The annotations and finalizers Kubernetes' volume binder, provisioners and scheduler write on
// claims and volumes; kubets' components use the same names, so kubectl users read them as usual.

/** The node the scheduler chose for the first pod of a WaitForFirstConsumer claim. */
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
/** On a claim: the binder finished binding it (both sides written). */
export const BIND_COMPLETED_ANNOTATION = 'pv.kubernetes.io/bind-completed';
/** On a claim or volume: the binder, not the user, set volumeName or claimRef. */
export const BOUND_BY_CONTROLLER_ANNOTATION = 'pv.kubernetes.io/bound-by-controller';
/** On a volume: the provisioner that made it, and so deletes it. */
export const PROVISIONED_BY_ANNOTATION = 'pv.kubernetes.io/provisioned-by';
/** On a claim: the provisioner expected to make its volume. */
export const STORAGE_PROVISIONER_ANNOTATION = 'volume.kubernetes.io/storage-provisioner';

/** Held on a claim while a pod uses it, so deleting it does not pull storage from under the pod. */
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
/** Held on a volume while it is bound to a claim. */
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

/** kubets' own provisioner of node-local directories, and the default class that uses it. */
export const LOCAL_PATH_PROVISIONER = 'kubets.io/local-path';
export const LOCAL_PATH_STORAGE_CLASS = 'local-path';
