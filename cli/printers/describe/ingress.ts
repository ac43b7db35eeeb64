import type { EndpointSlice, Ingress, IngressBackend, IngressClass, Service } from '../../../lib/api/generated/index.js';
import type { DescribeOptions } from './pod.js';
import { writeAnnotations, writeEvents, writeLabels } from './sections.js';
import { DescribeWriter } from './writer.js';

// `kubectl describe ingress` and `kubectl describe ingressclass`.

/** What the verb layer found for one backend Service: the Service and its EndpointSlices, or why not. */
export type BackendLookup = { service: Service; slices: readonly EndpointSlice[] } | { error: string };

export interface DescribeIngressOptions extends DescribeOptions {
  /** Per Service name the ingress's backends use. */
  backends: ReadonlyMap<string, BackendLookup>;
}

const SHOWN_ENDPOINTS = 3;

/**
 * kubectl's formatEndpointSlices: ready (or unknown) endpoints as `ip:port` for the ports named
 * `portName` (bare IPs for port-less slices), the first three then `+ N more...`.
 */
export function formatEndpointSlices(slices: readonly EndpointSlice[], portName: string): string {
  if (slices.length === 0) return '<none>';
  const shown: string[] = [];
  let count = 0;
  const take = (text: string): void => {
    if (shown.length < SHOWN_ENDPOINTS) shown.push(text);
    count++;
  };
  for (const slice of slices) {
    const endpoints = (slice.endpoints ?? []).filter((e) => e.conditions?.ready !== false && (e.addresses ?? []).length > 0);
    const ports = slice.ports ?? [];
    if (ports.length === 0) {
      for (const endpoint of endpoints) take(endpoint.addresses![0]!);
      continue;
    }
    for (const port of ports) {
      if ((port.name ?? '') !== portName) continue;
      for (const endpoint of endpoints) {
        const address = endpoint.addresses![0]!;
        take(`${address.includes(':') ? `[${address}]` : address}:${port.port ?? 0}`);
      }
    }
  }
  const list = shown.join(',');
  return count > SHOWN_ENDPOINTS ? `${list} + ${count - SHOWN_ENDPOINTS} more...` : list;
}

function describeBackend(backend: IngressBackend, backends: ReadonlyMap<string, BackendLookup>): string {
  const service = backend.service;
  if (service) {
    const port = service.port?.number ? String(service.port.number) : (service.port?.name ?? '');
    const text = `${service.name ?? ''}:${port}`;
    const found = backends.get(service.name ?? '');
    if (!found) return text;
    if ('error' in found) return `${text} (<error: ${found.error}>)`;
    let portName = '';
    for (const sp of found.service.spec?.ports ?? []) {
      if (service.port?.number && service.port.number === sp.port) portName = sp.name ?? '';
      else if (service.port?.name && service.port.name === sp.name) portName = sp.name ?? '';
    }
    return `${text} (${formatEndpointSlices(found.slices, portName)})`;
  }
  const resource = backend.resource;
  if (resource) return `APIGroup: ${resource.apiGroup ?? '<none>'}, Kind: ${resource.kind ?? ''}, Name: ${resource.name ?? ''}`;
  return '';
}

/** The Service names an ingress's backends use, default backend included. */
export function ingressBackendServices(ingress: Ingress): string[] {
  const backends = [ingress.spec?.defaultBackend, ...(ingress.spec?.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend))];
  return [...new Set(backends.flatMap((b) => (b?.service?.name ? [b.service.name] : [])))];
}

export function describeIngress(ingress: Ingress, options: DescribeIngressOptions): string {
  const w = new DescribeWriter();
  const spec = ingress.spec ?? {};
  w.write(0, `Name:\t${ingress.metadata?.name ?? ''}\n`);
  writeLabels(w, 'Labels', ingress.metadata?.labels);
  w.write(0, `Namespace:\t${ingress.metadata?.namespace ?? ''}\n`);
  const addresses = (ingress.status?.loadBalancer?.ingress ?? []).flatMap((entry) => [entry.ip, entry.hostname].filter((a): a is string => !!a));
  w.write(0, `Address:\t${addresses.join(',')}\n`);
  w.write(0, `Ingress Class:\t${spec.ingressClassName ?? '<none>'}\n`);
  const defaultBackend = spec.defaultBackend ? describeBackend(spec.defaultBackend, options.backends) : '<default>';
  w.write(0, `Default backend:\t${defaultBackend}\n`);
  if (spec.tls?.length) {
    w.write(0, 'TLS:\n');
    for (const tls of spec.tls) {
      const hosts = (tls.hosts ?? []).join(',');
      w.write(1, tls.secretName ? `${tls.secretName} terminates ${hosts}\n` : `SNI routes ${hosts}\n`);
    }
  }
  w.write(0, 'Rules:\n  Host\tPath\tBackends\n');
  w.write(1, '----\t----\t--------\n');
  let httpRules = 0;
  for (const rule of spec.rules ?? []) {
    if (!rule.http) continue;
    httpRules++;
    w.write(1, `${rule.host || '*'}\t\n`);
    for (const path of rule.http.paths ?? []) w.write(2, `\t${path.path ?? ''} \t${path.backend ? describeBackend(path.backend, options.backends) : ''}\n`);
  }
  if (httpRules === 0) w.write(1, `*\t*\t${defaultBackend}\n`);
  writeAnnotations(w, 'Annotations', ingress.metadata?.annotations);
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}

export function describeIngressClass(ingressClass: IngressClass, options: DescribeOptions): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${ingressClass.metadata?.name ?? ''}\n`);
  writeLabels(w, 'Labels', ingressClass.metadata?.labels);
  writeAnnotations(w, 'Annotations', ingressClass.metadata?.annotations);
  w.write(0, `Controller:\t${ingressClass.spec?.controller ?? ''}\n`);
  const parameters = ingressClass.spec?.parameters;
  if (parameters) {
    w.write(0, 'Parameters:\n');
    if (parameters.apiGroup !== undefined) w.write(1, `APIGroup:\t${parameters.apiGroup}\n`);
    w.write(1, `Kind:\t${parameters.kind ?? ''}\n`);
    w.write(1, `Name:\t${parameters.name ?? ''}\n`);
  }
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}
