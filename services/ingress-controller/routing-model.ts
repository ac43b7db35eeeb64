import type { EndpointSlice, Ingress, IngressBackend, Secret, Service } from '../../lib/api/generated/index.js';

// What the HAProxy configuration says, worked out from the API objects: which host and path goes
// to which backend, which servers each backend has, which certificates serve which hosts.

export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

export interface PathRoute {
  path: string;
  pathType: PathType;
  backend: string;
}

export interface HostRoutes {
  /** '' for the rules without a host: they serve requests whose host matches no other rule. */
  host: string;
  /** Longest path first; on equal paths Exact before Prefix, as Kubernetes orders matches. */
  paths: PathRoute[];
}

export interface Server {
  address: string;
  port: number;
}

export interface Backend {
  name: string;
  servers: Server[];
}

export interface Certificate {
  /** File name stem, unique per Secret. */
  name: string;
  /** The SNI names it answers; none means "the names in the certificate". */
  hosts: string[];
  /** Certificate chain then key, as HAProxy reads a PEM file. */
  pem: string;
}

export interface RoutingModel {
  /** Exact hosts first, then wildcard hosts (longest first), then the host-less rules. */
  hosts: HostRoutes[];
  /** The backend of requests no rule takes; undefined: HAProxy answers 404 itself. */
  defaultBackend?: string;
  backends: Backend[];
  certificates: Certificate[];
  /**
   * Rules left out, with why: an older Ingress already claimed the same host and path (or default
   * backend), or the path holds characters a configuration line cannot carry.
   */
  dropped: string[];
}

/** The cluster state the model reads, from the informers' caches. */
export interface ClusterView {
  service(namespace: string, name: string): Service | undefined;
  endpointSlices(namespace: string, serviceName: string): EndpointSlice[];
  secret(namespace: string, name: string): Secret | undefined;
}

/**
 * The characters of a URI path (RFC 3986) that HAProxy reads literally in a configuration line:
 * no whitespace, '#', quotes, '$' or backslash. Kubernetes lets other characters through validation.
 */
const CONFIG_SAFE_PATH = /^\/[A-Za-z0-9\-._~!&()*+,;=:@/%]*$/;

const PATH_TYPE_ORDER: Record<PathType, number> = { Exact: 0, Prefix: 1, ImplementationSpecific: 2 };

const keyOf = (ingress: Ingress): string => `${ingress.metadata?.namespace ?? ''}/${ingress.metadata?.name ?? ''}`;

/** Oldest first, then by namespace and name, as ingress-nginx resolves conflicting Ingresses. */
function oldestFirst(ingresses: readonly Ingress[]): Ingress[] {
  const created = (i: Ingress): number => Date.parse(String(i.metadata?.creationTimestamp ?? '')) || 0;
  return [...ingresses].sort((a, b) => created(a) - created(b) || keyOf(a).localeCompare(keyOf(b)));
}

/** HAProxy names may hold letters, digits, '-', '_', '.' and ':'. */
const haproxyName = (...parts: (string | number)[]): string => parts.join('_').replace(/[^A-Za-z0-9_.:-]/g, '-');

function hostOrder(a: string, b: string): number {
  const rank = (h: string): number => (h === '' ? 2 : h.startsWith('*.') ? 1 : 0);
  return rank(a) - rank(b) || b.length - a.length || a.localeCompare(b);
}

function pathOrder(a: PathRoute, b: PathRoute): number {
  return b.path.length - a.path.length || PATH_TYPE_ORDER[a.pathType] - PATH_TYPE_ORDER[b.pathType] || a.path.localeCompare(b.path);
}

/** The ready endpoints of a Service port, as address and target port (what kube-proxy would pick). */
function resolveServers(view: ClusterView, namespace: string, backend: IngressBackend['service']): Server[] {
  const service = view.service(namespace, backend?.name ?? '');
  const wanted = backend?.port ?? {};
  const servicePort = (service?.spec?.ports ?? []).find((p) => (wanted.name ? p.name === wanted.name : p.port === wanted.number));
  if (!service || !servicePort) return [];
  const servers = new Map<string, Server>();
  for (const slice of view.endpointSlices(namespace, service.metadata?.name ?? '')) {
    const port = (slice.ports ?? []).find((p) => (p.name ?? '') === (servicePort.name ?? ''))?.port;
    if (port === undefined) continue;
    for (const endpoint of slice.endpoints ?? []) {
      const address = endpoint.addresses?.[0];
      if (address && endpoint.conditions?.ready !== false) servers.set(`${address}:${port}`, { address, port });
    }
  }
  return [...servers.values()].sort((a, b) => a.address.localeCompare(b.address) || a.port - b.port);
}

function certificateOf(secret: Secret | undefined): string | undefined {
  const crt = secret?.data?.['tls.crt'];
  const key = secret?.data?.['tls.key'];
  if (!crt || !key) return undefined;
  const text = (v: Buffer | Uint8Array | string): string => (typeof v === 'string' ? v : Buffer.from(v).toString('utf8')).trimEnd();
  return `${text(crt)}\n${text(key)}\n`;
}

class ModelBuilder {
  private readonly hosts = new Map<string, Map<string, PathRoute>>();
  private readonly backends = new Map<string, Backend>();
  private readonly certificates = new Map<string, Certificate>();
  private readonly tlsHosts = new Set<string>();
  private defaultBackend: string | undefined;
  readonly dropped: string[] = [];

  constructor(private readonly view: ClusterView) {}

  add(ingress: Ingress): void {
    const namespace = ingress.metadata?.namespace ?? '';
    const source = keyOf(ingress);
    const spec = ingress.spec ?? {};
    if (spec.defaultBackend) {
      if (this.defaultBackend !== undefined) this.dropped.push(`${source}: default backend (an older Ingress has one)`);
      else this.defaultBackend = this.backend(namespace, spec.defaultBackend);
    }
    for (const rule of spec.rules ?? []) {
      const host = rule.host ?? '';
      let paths = this.hosts.get(host);
      if (!paths) this.hosts.set(host, (paths = new Map()));
      for (const httpPath of rule.http?.paths ?? []) {
        const pathType = (httpPath.pathType ?? 'ImplementationSpecific') as PathType;
        const path = httpPath.path || '/';
        const routeKey = `${pathType} ${path}`;
        if (!CONFIG_SAFE_PATH.test(path)) {
          this.dropped.push(`${source}: host "${host}" path ${JSON.stringify(path)} has characters HAProxy cannot match literally`);
          continue;
        }
        if (paths.has(routeKey)) {
          this.dropped.push(`${source}: host "${host}" path ${path} (${pathType}) (an older Ingress has it)`);
          continue;
        }
        const backend = this.backend(namespace, httpPath.backend);
        if (backend) paths.set(routeKey, { path, pathType, backend });
      }
    }
    for (const tls of spec.tls ?? []) this.addCertificate(namespace, tls.secretName ?? '', tls.hosts ?? []);
  }

  build(): RoutingModel {
    const hosts = [...this.hosts.entries()]
      .filter(([, paths]) => paths.size > 0)
      .map(([host, paths]) => ({ host, paths: [...paths.values()].sort(pathOrder) }))
      .sort((a, b) => hostOrder(a.host, b.host));
    return {
      hosts,
      ...(this.defaultBackend !== undefined && { defaultBackend: this.defaultBackend }),
      backends: [...this.backends.values()].sort((a, b) => a.name.localeCompare(b.name)),
      certificates: [...this.certificates.values()],
      dropped: this.dropped,
    };
  }

  /** The HAProxy backend of an Ingress backend; resource backends have no meaning here. */
  private backend(namespace: string, backend: IngressBackend | undefined): string | undefined {
    const service = backend?.service;
    if (!service) return undefined;
    const port = service.port?.name || service.port?.number || 0;
    const name = haproxyName(namespace, service.name ?? '', port);
    if (!this.backends.has(name)) this.backends.set(name, { name, servers: resolveServers(this.view, namespace, service) });
    return name;
  }

  /** A host served by an older Ingress's certificate keeps it. */
  private addCertificate(namespace: string, secretName: string, hosts: string[]): void {
    const pem = certificateOf(this.view.secret(namespace, secretName));
    if (!pem) return;
    const name = haproxyName(namespace, secretName);
    const certificate = this.certificates.get(name) ?? { name, hosts: [], pem };
    for (const host of hosts) {
      if (this.tlsHosts.has(host)) continue;
      this.tlsHosts.add(host);
      certificate.hosts.push(host);
    }
    if (hosts.length === 0 || certificate.hosts.length > 0) this.certificates.set(name, certificate);
  }
}

/** The routing of the given Ingresses (already only those of our class), merged oldest-first. */
export function buildRoutingModel(ingresses: readonly Ingress[], view: ClusterView): RoutingModel {
  const builder = new ModelBuilder(view);
  for (const ingress of oldestFirst(ingresses)) builder.add(ingress);
  return builder.build();
}
