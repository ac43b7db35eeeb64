import { isIPv4 } from 'node:net';
import type { Endpoints, Service } from '../../lib/api/generated/index.js';

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

/** Ready addresses of the Endpoints port with this name and protocol, each IP:port once. */
function readyEndpoints(endpoints: Endpoints | undefined, portName: string, protocol: Protocol): Endpoint[] {
  const seen = new Map<string, Endpoint>();
  for (const subset of endpoints?.subsets ?? []) {
    const port = (subset.ports ?? []).find((p) => (p.name ?? '') === portName && protocolOf(p.protocol) === protocol);
    if (!port?.port) continue;
    for (const address of subset.addresses ?? []) {
      if (!address.ip || !isIPv4(address.ip)) continue;
      seen.set(`${address.ip}:${port.port}`, { ip: address.ip, port: port.port });
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
 * with a ClusterIP, joined with its Endpoints object (same namespace and name), in a stable order.
 */
export function buildServicePorts(services: readonly Service[], endpointsOf: (namespace: string, name: string) => Endpoints | undefined): ServicePortInfo[] {
  const out: ServicePortInfo[] = [];
  for (const service of services) {
    const clusterIP = proxiedClusterIP(service);
    if (!clusterIP) continue;
    const namespace = service.metadata?.namespace || 'default';
    const name = service.metadata?.name ?? '';
    const endpoints = endpointsOf(namespace, name);
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
        endpoints: readyEndpoints(endpoints, portName, protocol),
      });
    }
  }
  return out.sort((a, b) => servicePortName(a).localeCompare(servicePortName(b)) || a.protocol.localeCompare(b.protocol));
}
