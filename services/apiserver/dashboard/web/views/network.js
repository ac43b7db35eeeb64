import { collectionPath } from '../api.js';
import { age, html, Section, Table, useWatch } from '../ui.js';

function servicePorts(svc) {
  return (svc.spec?.ports ?? []).map((p) => `${p.name ? `${p.name}:` : ''}${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(', ');
}

function ingressRules(ing) {
  const backend = (b) => (b?.service ? `${b.service.name}:${b.service.port?.number ?? b.service.port?.name ?? ''}` : '');
  const rules = (ing.spec?.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => `${r.host ?? '*'}${p.path ?? '/'} → ${backend(p.backend)}`));
  if (ing.spec?.defaultBackend) rules.push(`default → ${backend(ing.spec.defaultBackend)}`);
  return rules.map((r) => html`<div>${r}</div>`);
}

export function NetworkPage({ namespace }) {
  const services = useWatch(collectionPath('v1', 'services', namespace));
  const endpoints = useWatch(collectionPath('v1', 'endpoints', namespace));
  const ingresses = useWatch(collectionPath('networking.k8s.io/v1', 'ingresses', namespace));
  const ready = new Map(endpoints.items.map((e) => [`${e.metadata.namespace}/${e.metadata.name}`, (e.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0)]));
  const prefix = (o) => (namespace ? '' : `${o.metadata.namespace}/`);
  const serviceRows = services.items.map((s) => html`<tr key=${s.metadata.uid}>
    <td>${prefix(s)}${s.metadata.name}</td>
    <td>${s.spec?.type ?? 'ClusterIP'}</td>
    <td>${s.spec?.clusterIP ?? ''}</td>
    <td>${servicePorts(s)}</td>
    <td>${Object.entries(s.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(', ')}</td>
    <td>${ready.get(`${s.metadata.namespace}/${s.metadata.name}`) ?? 0}</td>
    <td>${age(s.metadata.creationTimestamp)}</td>
  </tr>`);
  const ingressRows = ingresses.items.map((i) => html`<tr key=${i.metadata.uid}>
    <td>${prefix(i)}${i.metadata.name}</td>
    <td>${i.spec?.ingressClassName ?? ''}</td>
    <td>${ingressRules(i)}</td>
    <td>${(i.spec?.tls ?? []).map((t) => `${(t.hosts ?? []).join(', ')} (${t.secretName})`).join('; ')}</td>
    <td>${(i.status?.loadBalancer?.ingress ?? []).map((a) => a.ip ?? a.hostname).join(', ')}</td>
    <td>${age(i.metadata.creationTimestamp)}</td>
  </tr>`);
  return html`<div>
    <${Section} title="Services" error=${services.error}>
      <${Table} testid="services" columns=${['Name', 'Type', 'Cluster IP', 'Ports', 'Selector', 'Ready endpoints', 'Age']} rows=${serviceRows} />
    <//>
    <${Section} title="Ingresses" error=${ingresses.error}>
      <${Table} testid="ingresses" columns=${['Name', 'Class', 'Rules', 'TLS', 'Address', 'Age']} rows=${ingressRows} />
    <//>
  </div>`;
}
