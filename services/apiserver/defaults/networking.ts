import type { IngressClass, NetworkPolicy } from '../../../lib/api/generated/index.js';

// Kubernetes' SetDefaults_IngressClass: parameters without a scope are cluster-scoped. (networking/v1
// gives a path no default pathType: it is required.)

export function defaultIngressClass(ingressClass: IngressClass): void {
  const parameters = ingressClass.spec?.parameters;
  if (parameters) parameters.scope ??= 'Cluster';
}

/**
 * Kubernetes' SetDefaults_NetworkPolicy: ports are TCP unless said otherwise, and a policy without
 * policyTypes isolates ingress, and egress too when it has egress rules.
 */
export function defaultNetworkPolicy(policy: NetworkPolicy): void {
  const spec = (policy.spec ??= {});
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
    for (const port of rule.ports ?? []) port.protocol ??= 'TCP';
  }
  if ((spec.policyTypes ?? []).length === 0) spec.policyTypes = (spec.egress ?? []).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}
