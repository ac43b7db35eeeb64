import type { IngressClass } from '../../../lib/api/generated/index.js';

// Kubernetes' SetDefaults_IngressClass: parameters without a scope are cluster-scoped. (networking/v1
// gives a path no default pathType: it is required.)

export function defaultIngressClass(ingressClass: IngressClass): void {
  const parameters = ingressClass.spec?.parameters;
  if (parameters) parameters.scope ??= 'Cluster';
}
