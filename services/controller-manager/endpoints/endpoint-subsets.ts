import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service } from '../../../lib/api/generated/index.js';
import { endpointHostname, findPort, shouldBeInEndpoints } from '../common/endpoint-util.js';
import { isPodReady } from '../common/pod-util.js';

// How a Service's selected pods become Endpoints subsets, as Kubernetes' endpoints controller
// computes them: one address per pod and resolved port, ready or not, then repacked so that
// addresses serving the same set of ports share one subset.

function addressFor(service: Service, pod: Pod): EndpointAddress {
  const meta = pod.metadata ?? {};
  const address: EndpointAddress = {
    ip: pod.status?.podIP ?? '',
    targetRef: { kind: 'Pod', namespace: meta.namespace ?? '', name: meta.name ?? '', uid: meta.uid ?? '' },
  };
  if (pod.spec?.nodeName) address.nodeName = pod.spec.nodeName;
  const hostname = endpointHostname(pod, service);
  if (hostname) address.hostname = hostname;
  return address;
}

interface Entry {
  address: EndpointAddress;
  ready: boolean;
  /** undefined for a headless service without ports. */
  port: EndpointPort | undefined;
}

/** The subsets of a Service's Endpoints given the pods its selector matches. */
export function endpointSubsets(service: Service, pods: readonly Pod[]): EndpointSubset[] {
  const tolerateUnready = service.spec?.publishNotReadyAddresses === true;
  const headless = service.spec?.clusterIP === 'None';
  const entries: Entry[] = [];
  for (const pod of pods) {
    if (!shouldBeInEndpoints(pod, tolerateUnready)) continue;
    const address = addressFor(service, pod);
    const ready = tolerateUnready || isPodReady(pod);
    const ports = service.spec?.ports ?? [];
    if (ports.length === 0) {
      if (headless) entries.push({ address, ready, port: undefined });
      continue;
    }
    for (const servicePort of ports) {
      const port = findPort(pod, servicePort);
      if (port === undefined) continue;
      // Empty strings are left out, as they are after a protobuf round trip, so a comparison with the stored object holds.
      const endpointPort: EndpointPort = { port, protocol: servicePort.protocol || 'TCP' };
      if (servicePort.name) endpointPort.name = servicePort.name;
      entries.push({ address, ready, port: endpointPort });
    }
  }
  return repackSubsets(entries);
}

const addressKey = (a: EndpointAddress): string => `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;
const portKey = (p: EndpointPort | undefined): string => (p ? `${p.name}\u0000${p.port}\u0000${p.protocol}` : '');

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  return compareIps(a.ip ?? '', b.ip ?? '') || (a.targetRef?.uid ?? '').localeCompare(b.targetRef?.uid ?? '');
}

function compareIps(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  if (pa.length === 4 && pb.length === 4 && [...pa, ...pb].every(Number.isInteger)) {
    for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
    return 0;
  }
  return a.localeCompare(b);
}

function comparePorts(a: EndpointPort, b: EndpointPort): number {
  return (a.name ?? '').localeCompare(b.name ?? '') || (a.port ?? 0) - (b.port ?? 0) || (a.protocol ?? '').localeCompare(b.protocol ?? '');
}

/**
 * Kubernetes' RepackSubsets: an address that is ready for a port wins over the same address not
 * ready; ports served by exactly the same addresses (with the same readiness) share a subset.
 * Order is deterministic (addresses by IP, ports by name and number) so an unchanged set of pods
 * gives an identical object and no write.
 */
function repackSubsets(entries: readonly Entry[]): EndpointSubset[] {
  const addresses = new Map<string, EndpointAddress>();
  const ports = new Map<string, EndpointPort | undefined>();
  /** port key → address key → ready */
  const readiness = new Map<string, Map<string, boolean>>();
  for (const e of entries) {
    const ak = addressKey(e.address);
    const pk = portKey(e.port);
    if (!addresses.has(ak)) addresses.set(ak, e.address);
    if (!ports.has(pk)) ports.set(pk, e.port);
    let perAddress = readiness.get(pk);
    if (!perAddress) readiness.set(pk, (perAddress = new Map()));
    perAddress.set(ak, (perAddress.get(ak) ?? false) || e.ready);
  }
  /** signature of an address set → the port keys it serves */
  const groups = new Map<string, string[]>();
  for (const [pk, perAddress] of readiness) {
    const signature = [...perAddress].map(([ak, ready]) => `${ak}\u0001${ready}`).sort().join('\u0002');
    const list = groups.get(signature);
    if (list) list.push(pk);
    else groups.set(signature, [pk]);
  }
  const subsets: EndpointSubset[] = [];
  for (const portKeys of groups.values()) {
    const perAddress = readiness.get(portKeys[0]!)!;
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [ak, isReady] of perAddress) (isReady ? ready : notReady).push(addresses.get(ak)!);
    const subset: EndpointSubset = {};
    if (ready.length) subset.addresses = ready.sort(compareAddresses);
    if (notReady.length) subset.notReadyAddresses = notReady.sort(compareAddresses);
    const subsetPorts = portKeys.map((pk) => ports.get(pk)).filter((p): p is EndpointPort => p !== undefined);
    if (subsetPorts.length) subset.ports = subsetPorts.sort(comparePorts);
    subsets.push(subset);
  }
  return subsets.sort(compareSubsets);
}

function compareSubsets(a: EndpointSubset, b: EndpointSubset): number {
  const pa = a.ports?.[0];
  const pb = b.ports?.[0];
  if (pa && pb) {
    const byPort = comparePorts(pa, pb);
    if (byPort) return byPort;
  }
  const aa = a.addresses?.[0] ?? a.notReadyAddresses?.[0];
  const ab = b.addresses?.[0] ?? b.notReadyAddresses?.[0];
  return aa && ab ? compareAddresses(aa, ab) : 0;
}
