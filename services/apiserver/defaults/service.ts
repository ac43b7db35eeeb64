import type { Endpoints, IntOrString, Service, ServiceSpec } from '../../../lib/api/generated/index.js';

// Kubernetes' SetDefaults_Service and SetDefaults_Endpoints, plus what its service registry fills
// in before validation: clusterIPs from clusterIP, and the IP family fields of a single-stack
// IPv4 cluster.

function isUnsetIntOrString(value: IntOrString | undefined): boolean {
  return !value || (!value.strVal && !value.intVal);
}

/** NodePort and LoadBalancer services, and ClusterIP services with external IPs, take outside traffic. */
export function externallyAccessible(spec: ServiceSpec): boolean {
  return (
    spec.type === 'LoadBalancer' ||
    spec.type === 'NodePort' ||
    (spec.type === 'ClusterIP' && (spec.externalIPs?.length ?? 0) > 0)
  );
}

export function defaultService(service: Service): void {
  service.spec ??= {};
  const spec = service.spec;
  spec.sessionAffinity ||= 'None';
  spec.type ||= 'ClusterIP';
  for (const port of spec.ports ?? []) {
    port.protocol ||= 'TCP';
    if (isUnsetIntOrString(port.targetPort)) port.targetPort = { intVal: port.port ?? 0 };
  }
  if (externallyAccessible(spec)) spec.externalTrafficPolicy ||= 'Cluster';
  if (spec.type === 'ClusterIP' || spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    spec.internalTrafficPolicy ??= 'Cluster';
  }
  // Old clients set only clusterIP; the plural field follows it (Kubernetes' NormalizeClusterIPs).
  if (spec.clusterIP && (spec.clusterIPs?.length ?? 0) === 0) spec.clusterIPs = [spec.clusterIP];
  if (spec.type !== 'ExternalName') {
    spec.ipFamilyPolicy ??= 'SingleStack';
    if ((spec.ipFamilies?.length ?? 0) === 0) spec.ipFamilies = ['IPv4'];
  }
  // Kubernetes always shows `status: {loadBalancer: {}}`.
  service.status ??= {};
  service.status.loadBalancer ??= {};
}

export function defaultEndpoints(endpoints: Endpoints): void {
  for (const subset of endpoints.subsets ?? []) {
    for (const port of subset.ports ?? []) port.protocol ||= 'TCP';
  }
}
