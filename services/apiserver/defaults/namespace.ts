import type { Namespace } from '../../../lib/api/generated/index.js';

export const METADATA_NAME_LABEL = 'kubernetes.io/metadata.name';
export const KUBERNETES_FINALIZER = 'kubernetes';

/**
 * Kubernetes' SetDefaults_Namespace (the immutable name label) and its namespace strategy's
 * create rules: the `kubernetes` finalizer and the Active phase. The finalizer is not put back
 * once deletion has started, because the namespace controller removes it to finish the deletion.
 */
export function defaultNamespace(namespace: Namespace): void {
  const meta = (namespace.metadata ??= {});
  if (meta.name) meta.labels = { ...meta.labels, [METADATA_NAME_LABEL]: meta.name };
  namespace.spec ??= {};
  const finalizers = namespace.spec.finalizers ?? [];
  if (!meta.deletionTimestamp && !finalizers.includes(KUBERNETES_FINALIZER)) {
    namespace.spec.finalizers = [...finalizers, KUBERNETES_FINALIZER];
  }
  namespace.status ??= {};
  namespace.status.phase ||= 'Active';
}
