import { isIPv4 } from 'node:net';
import type { Endpoint, EndpointSlicePort, Pod, Service } from '../../../lib/api/generated/index.js';
import { endpointHostname, findPort, shouldBeInEndpoints } from '../common/endpoint-util.js';
import { isPodReady } from '../common/pod-util.js';

// What a Service's EndpointSlices should hold, as Kubernetes' EndpointSlice reconciler sees it:
// one endpoint per selected pod, grouped by the ports that pod resolves the service's ports to
// (pods with different named-port numbers cannot share a slice).

/** The endpoints that serve one set of ports. */
export interface PortGroup {
  ports: EndpointSlicePort[];
  /** By endpointKey, in a stable order. */
  endpoints: Map<string, Endpoint>;
}

/** An endpoint's identity across syncs: the pod it stands for (or its first address). */
export function endpointKey(endpoint: Endpoint): string {
  return endpoint.targetRef?.uid || endpoint.addresses?.[0] || '';
}

/** A stable key of a slice's port set, whatever order the ports are listed in. */
export function portSetKey(ports: readonly EndpointSlicePort[] | undefined): string {
  return (ports ?? [])
    .map((p) => `${p.name ?? ''}\u0000${p.port ?? ''}\u0000${p.protocol ?? ''}\u0000${p.appProtocol ?? ''}`)
    .sort()
    .join('\u0001');
}

function podIPv4(pod: Pod): string | undefined {
  const ips = [...(pod.status?.podIPs ?? []).map((p) => p.ip ?? ''), pod.status?.podIP ?? ''];
  return ips.find((ip) => isIPv4(ip));
}

/**
 * Kubernetes' podToEndpoint. Fields that would be empty are left out, as they are after a
 * protobuf round trip, so an unchanged endpoint compares equal to the stored one.
 */
function podToEndpoint(pod: Pod, address: string, service: Service): Endpoint {
  const serving = isPodReady(pod);
  const terminating = Boolean(pod.metadata?.deletionTimestamp);
  // A terminating pod is never "ready", unless the service publishes not-ready addresses.
  const ready = service.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const meta = pod.metadata ?? {};
  const endpoint: Endpoint = {
    addresses: [address],
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: meta.namespace ?? '', name: meta.name ?? '', uid: meta.uid ?? '' },
  };
  if (pod.spec?.nodeName) endpoint.nodeName = pod.spec.nodeName;
  const hostname = endpointHostname(pod, service);
  if (hostname) endpoint.hostname = hostname;
  return endpoint;
}

/** The service's ports as this pod serves them; a port whose named target the pod lacks is left out. */
function podPorts(pod: Pod, service: Service): EndpointSlicePort[] {
  const ports: EndpointSlicePort[] = [];
  for (const servicePort of service.spec?.ports ?? []) {
    const port = findPort(pod, servicePort);
    if (port === undefined) continue;
    ports.push({ name: servicePort.name ?? '', port, protocol: servicePort.protocol || 'TCP' });
  }
  return ports;
}

/** The selected pods' endpoints, grouped by port set (IPv4 addresses: this cluster is single-stack). */
export function desiredPortGroups(service: Service, pods: readonly Pod[]): Map<string, PortGroup> {
  const groups = new Map<string, PortGroup>();
  const sorted = [...pods].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  for (const pod of sorted) {
    if (!shouldBeInEndpoints(pod, true)) continue;
    const address = podIPv4(pod);
    if (!address) continue;
    const ports = podPorts(pod, service);
    const key = portSetKey(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, endpoints: new Map() }));
    const endpoint = podToEndpoint(pod, address, service);
    group.endpoints.set(endpointKey(endpoint), endpoint);
  }
  return groups;
}
