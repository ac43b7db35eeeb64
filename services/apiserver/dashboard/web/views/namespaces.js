import { age, html, Section, Table, useWatch } from '../ui.js';

export function NamespacesPage({ onPick }) {
  const namespaces = useWatch('/api/v1/namespaces');
  const rows = namespaces.items.map((ns) => html`<tr key=${ns.metadata.uid}>
    <td><a href="#/workloads" onClick=${() => onPick(ns.metadata.name)}>${ns.metadata.name}</a></td>
    <td><span class=${`tag ${ns.status?.phase === 'Active' ? 'ok' : 'bad'}`}>${ns.status?.phase ?? ''}</span></td>
    <td>${Object.entries(ns.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ')}</td>
    <td>${age(ns.metadata.creationTimestamp)}</td>
  </tr>`);
  return html`<${Section} title="Namespaces" error=${namespaces.error}>
    <${Table} testid="namespaces" columns=${['Name', 'Status', 'Labels', 'Age']} rows=${rows} />
  <//>`;
}
