/**
 * kubectl's `all` category, in the order kubectl prints it, restricted to the kinds we serve: the
 * kubets CLI expands `all` with it, and the HTTP API's discovery lists it as each kind's category.
 */
export const ALL_CATEGORY: readonly string[] = ['pods', 'replicationcontrollers', 'services', 'daemonsets', 'deployments', 'replicasets', 'statefulsets', 'horizontalpodautoscalers'];

/** The categories discovery lists for a kind (`kubets api-resources -o wide` prints them too). */
export function categoriesOf(r: { resource: string }): string[] {
  return ALL_CATEGORY.includes(r.resource) ? ['all'] : [];
}
