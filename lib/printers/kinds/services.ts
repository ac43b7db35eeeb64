import type { Service, ServicePort } from '../../api/generated/index.js';
import { age } from '../duration.js';
import { formatLabels } from '../labels.js';
import type { KindPrinter, RowContext } from './types.js';

// The apiserver defaults a Service's type to ClusterIP and each port's protocol to TCP; objects
// that predate defaulting print as Kubernetes would show them once defaulted.
export const serviceType = (svc: Service): string => svc.spec?.type || 'ClusterIP';
export const portProtocol = (port: { protocol?: string }): string => port.protocol || 'TCP';

/** PORT(S): `80/TCP`, or `80:30001/TCP` when a node port is allocated. */
function servicePorts(ports: ServicePort[] | undefined): string {
  return (ports ?? [])
    .map((p) => (p.nodePort ? `${p.port ?? 0}:${p.nodePort}/${portProtocol(p)}` : `${p.port ?? 0}/${portProtocol(p)}`))
    .join(',');
}

function loadBalancerAddresses(svc: Service): string[] {
  const seen = new Set<string>();
  for (const ingress of svc.status?.loadBalancer?.ingress ?? []) {
    const address = ingress.ip || ingress.hostname;
    if (address) seen.add(address);
  }
  return [...seen].sort();
}

/** EXTERNAL-IP by service type, as kubectl's getServiceExternalIP (server-side, i.e. never clipped). */
function serviceExternalIP(svc: Service): string {
  const externalIPs = svc.spec?.externalIPs ?? [];
  switch (serviceType(svc)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const all = [...loadBalancerAddresses(svc), ...externalIPs];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return svc.spec?.externalName ?? '';
    default:
      return '<unknown>';
  }
}

export const servicePrinter: KindPrinter<Service> = {
  columns: [
    { name: 'Name' },
    { name: 'Type' },
    { name: 'Cluster-IP' },
    { name: 'External-IP' },
    { name: 'Port(s)' },
    { name: 'Age' },
    { name: 'Selector', wide: true },
  ],
  cells(svc: Service, { now }: RowContext): string[] {
    return [
      svc.metadata?.name ?? '',
      serviceType(svc),
      svc.spec?.clusterIPs?.[0] || svc.spec?.clusterIP || '<none>',
      serviceExternalIP(svc),
      servicePorts(svc.spec?.ports) || '<none>',
      age(svc.metadata?.creationTimestamp, now),
      formatLabels(svc.spec?.selector),
    ];
  },
};
