import type { EndpointSlice, Ingress, IngressBackend, Secret, Service } from '../../lib/api/generated/index.js';
import type { ClusterView } from './routing-model.js';

// Builders for the controller's unit tests: Ingresses as users write them and a cluster view
// backed by plain arrays.

export const serviceBackend = (name: string, port: number | string = 80): IngressBackend => ({
  service: { name, port: typeof port === 'number' ? { number: port } : { name: port } },
});

export interface PathSpec {
  path: string;
  pathType?: string;
  service: string;
  port?: number | string;
}

export function makeIngress(
  name: string,
  opts: { namespace?: string; created?: string; className?: string; rules?: { host?: string; paths: PathSpec[] }[]; defaultBackend?: string; tls?: { hosts: string[]; secretName: string }[] },
): Ingress {
  return {
    metadata: { name, namespace: opts.namespace ?? 'default', creationTimestamp: opts.created ?? '2024-01-01T00:00:00Z' },
    spec: {
      ...(opts.className !== undefined && { ingressClassName: opts.className }),
      ...(opts.defaultBackend !== undefined && { defaultBackend: serviceBackend(opts.defaultBackend) }),
      ...(opts.tls && { tls: opts.tls }),
      rules: (opts.rules ?? []).map((rule) => ({
        ...(rule.host !== undefined && { host: rule.host }),
        http: { paths: rule.paths.map((p) => ({ path: p.path, pathType: p.pathType ?? 'Prefix', backend: serviceBackend(p.service, p.port) })) },
      })),
    },
  } as Ingress;
}

/** A Service with one port (port 80 named http → targetPort) and one slice of ready endpoints. */
export function makeService(name: string, addresses: string[], targetPort = 8080, namespace = 'default'): { service: Service; slice: EndpointSlice } {
  return {
    service: { metadata: { name, namespace }, spec: { ports: [{ name: 'http', port: 80, targetPort: { intVal: targetPort } }] } } as Service,
    slice: {
      metadata: { name: `${name}-abc`, namespace, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: targetPort, protocol: 'TCP' }],
      endpoints: addresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
    } as EndpointSlice,
  };
}

export function fakeClusterView(objects: { services?: { service: Service; slice: EndpointSlice }[]; secrets?: Secret[] }): ClusterView {
  const services = objects.services ?? [];
  const at = (namespace: string, name: string) => (o: { metadata?: { namespace?: string; name?: string } | null }) => o.metadata?.namespace === namespace && o.metadata?.name === name;
  return {
    service: (namespace, name) => services.map((s) => s.service).find(at(namespace, name)),
    endpointSlices: (namespace, name) => services.filter((s) => at(namespace, name)(s.service)).map((s) => s.slice),
    secret: (namespace, name) => (objects.secrets ?? []).find(at(namespace, name)),
  };
}
