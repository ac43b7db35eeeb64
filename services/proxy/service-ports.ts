import { isIPv4 } from 'node:net';
import type { EndpointSlice, Service } from '../../lib/api/generated/index.js';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** One ready backend of a service port. */
export interface Endpoint {
  ip: string;
  port: number;
}

/**
 * One port of one Service, the unit kube-proxy programs: `namespace/name:portName` with its
 * VIP, node port and ready backends.
 */
export interface ServicePortInfo {
  namespace: string;
  name: string;
  /** '' for an unnamed (single) port. */
  portName: string;
  protocol: Protocol;
  clusterIP: string;
  port: number;
  /** 0 when the service has no node port. */
  nodePort: number;
  /** sessionAffinity: ClientIP. */
  clientIPAffinity: boolean;
  /** Sorted by IP then port, so the rendered rules do not change when the API reorders addresses. */
  endpoints: Endpoint[];
}

/** kube-proxy's ServicePortName string: `namespace/name`, plus `:portName` when the port is named. */
export function servicePortName(sp: Pick<ServicePortInfo, 'namespace' | 'name' | 'portName'>): string {
  return `${sp.namespace}/${sp.name}${sp.portName ? `:${sp.portName}` : ''}`;
}

/** The ClusterIP the proxy programs, or undefined for headless, ExternalName and unallocated services. */
function proxiedClusterIP(service: Service): string | undefined {
  if (service.spec?.type === 'ExternalName') return undefined;
  const ip = service.spec?.clusterIP ?? '';
  return isIPv4(ip) ? ip : undefined;
}

function protocolOf(value: string | undefined): Protocol | undefined {
  const p = value || 'TCP';
  return p === 'TCP' || p === 'UDP' || p === 'SCTP' ? p : undefined;
}

/**
 * The ready endpoints of a service port across the Service's IPv4 EndpointSlices: each endpoint's
 * first address with the slice's port of this name and protocol, each IP:port once. A ready
 * condition that is unset counts as ready, as kube-proxy reads it.
 */
function readyEndpoints(slices: readonly EndpointSlice[], portName: string, protocol: Protocol): Endpoint[] {
  const seen = new Map<string, Endpoint>();
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4') continue;
    const port = (slice.ports ?? []).find((p) => (p.name ?? '') === portName && protocolOf(p.protocol) === protocol);
    if (!port?.port) continue;
    for (const endpoint of slice.endpoints ?? []) {
      const ip = endpoint.addresses?.[0];
      if (!ip || !isIPv4(ip) || endpoint.conditions?.ready === false) continue;
      seen.set(`${ip}:${port.port}`, { ip, port: port.port });
    }
  }
  return [...seen.values()].sort(compareEndpoints);
}

function compareEndpoints(a: Endpoint, b: Endpoint): number {
  const byIp = ipKey(a.ip) - ipKey(b.ip);
  return byIp !== 0 ? byIp : a.port - b.port;
}

function ipKey(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/**
 * The service ports the proxy forwards, from the informers' caches: every port of every service
 * with a ClusterIP, joined with its EndpointSlices (labelled with its name), in a stable order.
 */
export function buildServicePorts(services: readonly Service[], slicesOf: (namespace: string, name: string) => readonly EndpointSlice[]): ServicePortInfo[] {
  const out: ServicePortInfo[] = [];
  for (const service of services) {
    const clusterIP = proxiedClusterIP(service);
    if (!clusterIP) continue;
    const namespace = service.metadata?.namespace || 'default';
    const name = service.metadata?.name ?? '';
    const slices = slicesOf(namespace, name);
    const withNodePorts = service.spec?.type === 'NodePort' || service.spec?.type === 'LoadBalancer';
    for (const port of service.spec?.ports ?? []) {
      const protocol = protocolOf(port.protocol);
      if (!protocol || !port.port) continue;
      const portName = port.name ?? '';
      out.push({
        namespace,
        name,
        portName,
        protocol,
        clusterIP,
        port: port.port,
        nodePort: withNodePorts ? (port.nodePort ?? 0) : 0,
        clientIPAffinity: service.spec?.sessionAffinity === 'ClientIP',
        endpoints: readyEndpoints(slices, portName, protocol),
      });
    }
  }
  return out.sort((a, b) => servicePortName(a).localeCompare(servicePortName(b)) || a.protocol.localeCompare(b.protocol));
}
