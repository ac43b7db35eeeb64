// The labels that tie an EndpointSlice to its Service and to whoever manages it, as Kubernetes
// names them; the controller that writes slices and the proxy that reads them share these.

/** The name of the Service (same namespace) whose endpoints the slice holds. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** Who writes the slice; other writers leave it alone. */
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
/** On an Endpoints object: the mirroring controller leaves it alone (its slices are written by whoever wrote it). */
export const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';
