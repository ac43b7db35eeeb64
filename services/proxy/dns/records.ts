import { isIPv4 } from 'node:net';
import type { Answer, RecordType, SoaAnswer } from 'dns-packet';
import type { Endpoints, Service } from '../../../lib/api/generated/index.js';

/** What the DNS reads from the informers' caches. */
export interface ServiceDirectory {
  service(namespace: string, name: string): Service | undefined;
  endpoints(namespace: string, name: string): Endpoints | undefined;
  hasServicesIn(namespace: string): boolean;
}

export type ResponseCode = 'NOERROR' | 'NXDOMAIN' | 'REFUSED';

interface Resolution {
  rcode: ResponseCode;
  /** True for names in the cluster domain: we are their only source. */
  authoritative: boolean;
  answers: Answer[];
  /** The zone's SOA on negative answers, so resolvers cache them for its minimum TTL. */
  authorities: Answer[];
  additionals: Answer[];
}

/** CoreDNS' kubernetes plugin default: short, so clients follow service changes quickly. */
const RECORD_TTL = 5;

const REFUSED: Resolution = { rcode: 'REFUSED', authoritative: false, answers: [], authorities: [], additionals: [] };

interface Target {
  name: string;
  ip: string;
}

/**
 * Answers one question from the cluster's services, like CoreDNS' kubernetes plugin:
 * `<svc>.<ns>.svc.<domain>` (A: the ClusterIP, or the ready endpoints of a headless service),
 * `_<port>._<proto>.<svc>.<ns>.svc.<domain>` (SRV), `<hostname>.<svc>.<ns>.svc.<domain>` (a
 * headless endpoint) and `<a-b-c-d>.<ns>.pod.<domain>`. Names in the cluster domain that do not
 * exist are NXDOMAIN; every other name is REFUSED, never forwarded: pods must not resolve (and
 * so reach) anything off this machine (README, network safety: DNS).
 */
export function resolveQuestion(qname: string, qtype: RecordType, directory: ServiceDirectory, clusterDomain: string): Resolution {
  const name = qname.toLowerCase().replace(/\.$/, '');
  const domain = clusterDomain.toLowerCase();
  if (name !== domain && !name.endsWith(`.${domain}`)) return REFUSED;
  const labels = name === domain ? [] : name.slice(0, -(domain.length + 1)).split('.');
  const zone = { qname, qtype, domain };
  // Reversed: ['svc', ns, svc, ...] from the zone apex down.
  const path = [...labels].reverse();
  const [kind, namespace, svcName, ...rest] = path;
  if (kind === undefined) return qtype === 'SOA' ? answer(zone, [soa(domain, qname)]) : noData(zone);
  if (kind === 'svc') {
    if (namespace === undefined) return noData(zone);
    if (svcName === undefined) return directory.hasServicesIn(namespace) ? noData(zone) : nxdomain(zone);
    const service = directory.service(namespace, svcName);
    if (!service) return nxdomain(zone);
    const base = `${svcName}.${namespace}.svc.${domain}`;
    if (rest.length === 0) return serviceRecords(zone, service, directory.endpoints(namespace, svcName), base);
    if (rest.length === 1) return endpointRecord(zone, service, directory.endpoints(namespace, svcName), rest[0]!, base);
    if (rest.length === 2 && rest[0]!.startsWith('_') && rest[1]!.startsWith('_')) {
      return portRecords(zone, service, directory.endpoints(namespace, svcName), rest[1]!.slice(1), rest[0]!.slice(1), base);
    }
    return nxdomain(zone);
  }
  if (kind === 'pod') {
    if (namespace === undefined) return noData(zone);
    if (svcName === undefined) return directory.hasServicesIn(namespace) ? noData(zone) : nxdomain(zone);
    const ip = svcName.replaceAll('-', '.');
    if (rest.length > 0 || !isIPv4(ip)) return nxdomain(zone);
    return addresses(zone, [{ name: qname, ip }]);
  }
  return nxdomain(zone);
}

interface Zone {
  qname: string;
  qtype: RecordType;
  domain: string;
}

function soa(domain: string, owner: string): SoaAnswer {
  return {
    type: 'SOA',
    name: owner,
    ttl: RECORD_TTL,
    data: { mname: `ns.dns.${domain}`, rname: `hostmaster.${domain}`, serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: RECORD_TTL },
  };
}

function answer(zone: Zone, answers: Answer[], additionals: Answer[] = []): Resolution {
  if (answers.length === 0) return noData(zone);
  return { rcode: 'NOERROR', authoritative: true, answers, authorities: [], additionals };
}

function noData(zone: Zone): Resolution {
  return { rcode: 'NOERROR', authoritative: true, answers: [], authorities: [soa(zone.domain, zone.domain)], additionals: [] };
}

function nxdomain(zone: Zone): Resolution {
  return { rcode: 'NXDOMAIN', authoritative: true, answers: [], authorities: [soa(zone.domain, zone.domain)], additionals: [] };
}

function addresses(zone: Zone, targets: Target[]): Resolution {
  if (zone.qtype !== 'A') return noData(zone);
  return answer(zone, targets.map((t) => ({ type: 'A', name: zone.qname, ttl: RECORD_TTL, data: t.ip })));
}

function isHeadless(service: Service): boolean {
  return service.spec?.clusterIP === 'None';
}

/** Ready endpoint addresses of a headless service, each with the DNS name CoreDNS gives it. */
function headlessTargets(endpoints: Endpoints | undefined, base: string): Target[] {
  const seen = new Map<string, Target>();
  for (const subset of endpoints?.subsets ?? []) {
    for (const address of subset.addresses ?? []) {
      if (!address.ip || !isIPv4(address.ip) || seen.has(address.ip)) continue;
      const label = address.hostname || address.ip.replaceAll('.', '-');
      seen.set(address.ip, { name: `${label}.${base}`, ip: address.ip });
    }
  }
  return [...seen.values()];
}

function serviceRecords(zone: Zone, service: Service, endpoints: Endpoints | undefined, base: string): Resolution {
  if (service.spec?.type === 'ExternalName') {
    const target = service.spec.externalName ?? '';
    if (!target || (zone.qtype !== 'A' && zone.qtype !== 'CNAME')) return noData(zone);
    return answer(zone, [{ type: 'CNAME', name: zone.qname, ttl: RECORD_TTL, data: target }]);
  }
  if (zone.qtype === 'SRV') {
    const ports = (service.spec?.ports ?? []).filter((p) => p.name);
    return srv(zone, service, endpoints, base, ports.map((p) => ({ name: p.name!, protocol: p.protocol || 'TCP', port: p.port ?? 0 })));
  }
  if (isHeadless(service)) return addresses(zone, headlessTargets(endpoints, base));
  const ip = service.spec?.clusterIP ?? '';
  return isIPv4(ip) ? addresses(zone, [{ name: base, ip }]) : noData(zone);
}

function endpointRecord(zone: Zone, service: Service, endpoints: Endpoints | undefined, label: string, base: string): Resolution {
  if (!isHeadless(service)) return nxdomain(zone);
  const target = headlessTargets(endpoints, base).find((t) => t.name === `${label}.${base}`);
  return target ? addresses(zone, [{ name: zone.qname, ip: target.ip }]) : nxdomain(zone);
}

interface NamedPort {
  name: string;
  protocol: string;
  port: number;
}

function portRecords(zone: Zone, service: Service, endpoints: Endpoints | undefined, portName: string, protocol: string, base: string): Resolution {
  const port = (service.spec?.ports ?? []).find((p) => p.name?.toLowerCase() === portName && (p.protocol || 'TCP').toLowerCase() === protocol);
  if (!port) return nxdomain(zone);
  const named = { name: port.name!, protocol: port.protocol || 'TCP', port: port.port ?? 0 };
  if (zone.qtype === 'SRV') return srv(zone, service, endpoints, base, [named]);
  return serviceRecords(zone, service, endpoints, base);
}

/** SRV answers pointing at the service name (or at each endpoint of a headless service), with their A records as additionals. */
function srv(zone: Zone, service: Service, endpoints: Endpoints | undefined, base: string, ports: NamedPort[]): Resolution {
  const answers: Answer[] = [];
  const additionals = new Map<string, Answer>();
  for (const port of ports) {
    if (isHeadless(service)) {
      for (const subset of endpoints?.subsets ?? []) {
        const epPort = (subset.ports ?? []).find((p) => p.name === port.name);
        if (!epPort?.port) continue;
        for (const target of headlessTargets({ subsets: [subset] }, base)) {
          answers.push({ type: 'SRV', name: zone.qname, ttl: RECORD_TTL, data: { priority: 0, weight: 100, port: epPort.port, target: target.name } });
          additionals.set(target.name, { type: 'A', name: target.name, ttl: RECORD_TTL, data: target.ip });
        }
      }
    } else if (isIPv4(service.spec?.clusterIP ?? '')) {
      answers.push({ type: 'SRV', name: zone.qname, ttl: RECORD_TTL, data: { priority: 0, weight: 100, port: port.port, target: base } });
      additionals.set(base, { type: 'A', name: base, ttl: RECORD_TTL, data: service.spec!.clusterIP! });
    }
  }
  return answer(zone, answers, [...additionals.values()]);
}
