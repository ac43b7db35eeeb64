import type { Service, ServiceSpec } from '../../../lib/api/generated/index.js';
import { isDeepStrictEqual } from 'node:util';
import { externallyAccessible } from '../defaults/service.js';

// Kubernetes' dropTypeDependentFields: when an update changes a Service's type, the fields only the
// old type used are cleared if the client sent them back unchanged (it read them, it did not ask
// for them), so `type: ClusterIP` alone turns a NodePort service back into a ClusterIP one.

const usesClusterIP = (spec: ServiceSpec): boolean => spec.type !== 'ExternalName';
const usesNodePorts = (spec: ServiceSpec): boolean => spec.type === 'NodePort' || spec.type === 'LoadBalancer';

function sameNodePorts(spec: ServiceSpec, old: ServiceSpec): boolean {
  const before = new Set((old.ports ?? []).map((p) => p.nodePort).filter(Boolean));
  return (spec.ports ?? []).every((p) => !p.nodePort || before.has(p.nodePort));
}

export function dropTypeDependentFields(svc: Service, old: Service): void {
  const spec = svc.spec;
  const before = old.spec;
  if (!spec || !before) return;
  if (usesClusterIP(before) && !usesClusterIP(spec)) {
    if (spec.clusterIP === before.clusterIP && isDeepStrictEqual(spec.clusterIPs ?? [], before.clusterIPs ?? [])) {
      spec.clusterIP = '';
      spec.clusterIPs = [];
    }
    if (isDeepStrictEqual(spec.ipFamilies ?? [], before.ipFamilies ?? [])) spec.ipFamilies = [];
    if (spec.ipFamilyPolicy === before.ipFamilyPolicy) spec.ipFamilyPolicy = undefined;
    if (spec.internalTrafficPolicy === before.internalTrafficPolicy) spec.internalTrafficPolicy = undefined;
  }
  if (usesNodePorts(before) && !usesNodePorts(spec) && sameNodePorts(spec, before)) {
    for (const p of spec.ports ?? []) p.nodePort = undefined;
  }
  if (externallyAccessible(before) && !externallyAccessible(spec) && spec.externalTrafficPolicy === before.externalTrafficPolicy) {
    spec.externalTrafficPolicy = '';
  }
}
