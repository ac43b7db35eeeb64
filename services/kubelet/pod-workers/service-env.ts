import type { Service } from '../../../lib/api/generated/index.js';

/** Services whose variables every pod gets, from the `default` namespace, whatever enableServiceLinks says. */
const MASTER_SERVICES = new Set(['kubernetes']);

function isServiceIPSet(service: Service): boolean {
  const ip = service.spec?.clusterIP ?? '';
  return ip !== '' && ip !== 'None';
}

function envName(name: string): string {
  return name.toUpperCase().replaceAll('-', '_');
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * Kubernetes' envvars.FromServices: `<SVC>_SERVICE_HOST`, `<SVC>_SERVICE_PORT`, one
 * `<SVC>_SERVICE_PORT_<NAME>` per named port, and Docker-link variables (`<SVC>_PORT=tcp://ip:port`,
 * `<SVC>_PORT_<port>_<PROTO>{,_PROTO,_PORT,_ADDR}`).
 */
export function serviceEnvVars(services: Service[]): Array<{ name: string; value: string }> {
  const result: Array<{ name: string; value: string }> = [];
  for (const service of services) {
    const ports = service.spec?.ports ?? [];
    if (!isServiceIPSet(service) || ports.length === 0) continue;
    const ip = service.spec?.clusterIP as string;
    const prefix = envName(service.metadata?.name ?? '');
    result.push({ name: `${prefix}_SERVICE_HOST`, value: ip });
    result.push({ name: `${prefix}_SERVICE_PORT`, value: String(ports[0]?.port ?? 0) });
    for (const port of ports) {
      if (port.name) result.push({ name: `${prefix}_SERVICE_PORT_${envName(port.name)}`, value: String(port.port ?? 0) });
    }
    ports.forEach((port, index) => {
      const protocol = port.protocol || 'TCP';
      const url = `${protocol.toLowerCase()}://${hostPort(ip, port.port ?? 0)}`;
      if (index === 0) result.push({ name: `${prefix}_PORT`, value: url });
      const portPrefix = `${prefix}_PORT_${port.port ?? 0}_${protocol.toUpperCase()}`;
      result.push(
        { name: portPrefix, value: url },
        { name: `${portPrefix}_PROTO`, value: protocol.toLowerCase() },
        { name: `${portPrefix}_PORT`, value: String(port.port ?? 0) },
        { name: `${portPrefix}_ADDR`, value: ip },
      );
    });
  }
  return result;
}

/**
 * Kubernetes' getServiceEnvVarMap: the services of the pod's namespace (when enableServiceLinks,
 * the default) plus the master services from `default`; a namespace's own service of the same
 * name wins over the master one.
 */
export function serviceEnvMap(
  namespace: string,
  enableServiceLinks: boolean,
  namespaceServices: Service[],
  defaultServices: Service[],
): Map<string, string> {
  const chosen = new Map<string, Service>();
  const consider = (service: Service) => {
    if (!isServiceIPSet(service)) return;
    const name = service.metadata?.name ?? '';
    const ns = service.metadata?.namespace || 'default';
    if (ns === 'default' && MASTER_SERVICES.has(name)) {
      if (!chosen.has(name)) chosen.set(name, service);
    } else if (ns === namespace && enableServiceLinks) {
      chosen.set(name, service);
    }
  };
  for (const service of defaultServices) consider(service);
  if (namespace !== 'default') for (const service of namespaceServices) consider(service);
  const sorted = [...chosen.keys()].sort().map((name) => chosen.get(name) as Service);
  return new Map(serviceEnvVars(sorted).map((e) => [e.name, e.value]));
}
