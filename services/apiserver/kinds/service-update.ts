import type { Service, ServiceSpec } from '../../../lib/api/generated/index.js';
import { isDeepStrictEqual } from 'node:util';
import { externallyAccessible } from '../defaults/service.js';

// What a Service update keeps and drops of the stored spec, as Kubernetes' service registry does.

const usesClusterIP = (spec: ServiceSpec): boolean => spec.type !== 'ExternalName';
const usesNodePorts = (spec: ServiceSpec): boolean => spec.type === 'NodePort' || spec.type === 'LoadBalancer';

function sameNodePorts(spec: ServiceSpec, old: ServiceSpec): boolean {
  const before = new Set((old.ports ?? []).map((p) => p.nodePort).filter(Boolean));
  return (spec.ports ?? []).every((p) => !p.nodePort || before.has(p.nodePort));
}

/** Server-side rules of a Service update, applied before defaults and validation. */
export function prepareServiceUpdate(svc: Service, old: Service): void {
  dropTypeDependentFields(svc, old);
  keepAllocations(svc, old);
}

/**
 * Kubernetes' dropTypeDependentFields: when an update changes the type, the fields only the old
 * type used are cleared if the client sent them back unchanged (it read them, it did not ask for
 * them), so `type: ClusterIP` alone turns a NodePort service back into a ClusterIP one.
 */
function dropTypeDependentFields(svc: Service, old: Service): void {
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

/**
 * An update that leaves the allocated ClusterIP or a nodePort empty keeps what the Service has, as
 * Kubernetes does (patchAllocatedValues), so re-applying a manifest without them is not a change;
 * only while the new type still uses them, so that a type change gives them back.
 */
function keepAllocations(svc: Service, old: Service): void {
  const spec = (svc.spec ??= {});
  const before = old.spec ?? {};
  if (!spec.clusterIP && before.clusterIP && usesClusterIP(spec) && usesClusterIP(before)) {
    spec.clusterIP = before.clusterIP;
    spec.clusterIPs = before.clusterIPs;
  }
  if (!usesNodePorts(spec) || !usesNodePorts(before)) return;
  const oldPorts = before.ports ?? [];
  for (const p of spec.ports ?? []) {
    if (!p.nodePort) p.nodePort = oldPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'))?.nodePort;
  }
}
