/**
 * kubectl's `all` category, in the order kubectl prints it, restricted to the kinds we serve: the
 * kubets CLI expands `all` with it, and the HTTP API's discovery lists it as each kind's category.
 */
export const ALL_CATEGORY: readonly string[] = ['pods', 'replicationcontrollers', 'services', 'daemonsets', 'deployments', 'replicasets', 'statefulsets', 'horizontalpodautoscalers'];
