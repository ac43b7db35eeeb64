import type { Endpoints, Service } from '../../../lib/api/generated/index.js';
import { formatEndpoints } from '../../../lib/printers/kinds/endpoints.js';
import { portProtocol, serviceType } from '../../../lib/printers/kinds/services.js';
import { formatLabels } from '../../../lib/printers/labels.js';
import type { DescribeOptions } from './pod.js';
import { writeAnnotations, writeEvents, writeLabels } from './sections.js';
import { DescribeWriter } from './writer.js';

export interface DescribeServiceOptions extends DescribeOptions {
  /** The service's Endpoints object (same name and namespace), if it exists. */
  endpoints?: Endpoints;
}

/** `kubectl describe service`, with the endpoints behind each port. */
export function describeService(svc: Service, options: DescribeServiceOptions): string {
  const w = new DescribeWriter();
  const spec = svc.spec ?? {};
  w.write(0, `Name:\t${svc.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${svc.metadata?.namespace ?? ''}\n`);
  writeLabels(w, 'Labels', svc.metadata?.labels);
  writeAnnotations(w, 'Annotations', svc.metadata?.annotations);
  w.write(0, `Selector:\t${formatLabels(spec.selector)}\n`);
  w.write(0, `Type:\t${serviceType(svc)}\n`);
  if (spec.ipFamilyPolicy) w.write(0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
  w.write(0, `IP Families:\t${spec.ipFamilies?.length ? spec.ipFamilies.join(',') : '<none>'}\n`);
  w.write(0, `IP:\t${spec.clusterIP ?? ''}\n`);
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  w.write(0, `IPs:\t${ips.length ? ips.join(',') : '<none>'}\n`);
  if (spec.externalIPs?.length) w.write(0, `External IPs:\t${spec.externalIPs.join(',')}\n`);
  if (spec.loadBalancerIP) w.write(0, `Desired LoadBalancer IP:\t${spec.loadBalancerIP}\n`);
  if (spec.externalName) w.write(0, `External Name:\t${spec.externalName}\n`);
  const ingress = svc.status?.loadBalancer?.ingress ?? [];
  if (ingress.length) w.write(0, `LoadBalancer Ingress:\t${ingress.map((i) => i.ip || i.hostname || '').join(', ')}\n`);
  for (const port of spec.ports ?? []) {
    const name = port.name || '<unset>';
    const protocol = portProtocol(port);
    w.write(0, `Port:\t${name}\t${port.port ?? 0}/${protocol}\n`);
    // An unset targetPort defaults to the port itself.
    const target = port.targetPort?.strVal || String(port.targetPort?.intVal ?? port.port ?? 0);
    w.write(0, `TargetPort:\t${target}/${protocol}\n`);
    if (port.nodePort) w.write(0, `NodePort:\t${name}\t${port.nodePort}/${protocol}\n`);
    w.write(0, `Endpoints:\t${formatEndpoints(options.endpoints, port.name ?? '') || '<none>'}\n`);
  }
  w.write(0, `Session Affinity:\t${spec.sessionAffinity || 'None'}\n`);
  if (spec.externalTrafficPolicy) w.write(0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
  if (spec.internalTrafficPolicy) w.write(0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}
