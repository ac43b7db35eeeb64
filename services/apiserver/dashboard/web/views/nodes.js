import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { bytes, cores, quantity, UsageCharts } from '../charts.js';
import { age, html, Section, Table, useWatch } from '../ui.js';

// Nodes with their conditions, capacity and current usage (metrics.k8s.io), and CPU and memory
// charts over time.

const USAGE_REFRESH_MS = 15_000;

/** Current usage of each node by name; metrics are sampled, so they are read again on a timer. */
function useNodeUsage() {
  const [usage, setUsage] = useState(new Map());
  useEffect(() => {
    const abort = new AbortController();
    const read = () => api('/apis/metrics.k8s.io/v1beta1/nodes', { signal: abort.signal })
      .then((list) => setUsage(new Map(list.items.map((m) => [m.metadata.name, m.usage]))))
      .catch(() => undefined);
    void read();
    const timer = setInterval(read, USAGE_REFRESH_MS);
    return () => { abort.abort(); clearInterval(timer); };
  }, []);
  return usage;
}

/** CPU in cores and memory in Ki/Mi/Gi, from their quantities. */
function resources(r) {
  return r ? `${cores(quantity(r.cpu))} / ${bytes(quantity(r.memory))}` : '';
}

function conditions(node) {
  return (node.status?.conditions ?? []).map((c) => {
    const healthy = c.type === 'Ready' ? c.status === 'True' : c.status !== 'True';
    return html`<span class=${`tag ${healthy ? 'ok' : 'bad'}`} title=${c.message ?? ''}>${c.type}${c.type === 'Ready' ? '' : `=${c.status}`}</span>`;
  });
}

export function NodesPage() {
  const nodes = useWatch('/api/v1/nodes');
  const usage = useNodeUsage();
  const rows = nodes.items.map((n) => {
    const used = usage.get(n.metadata.name);
    const address = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '';
    return html`<tr key=${n.metadata.uid}>
      <td>${n.metadata.name}</td>
      <td>${conditions(n)}${n.spec?.unschedulable ? html`<span class="tag bad">SchedulingDisabled</span>` : ''}</td>
      <td>${address}</td>
      <td>${resources(n.status?.capacity)}</td>
      <td data-testid="node-usage">${used ? resources(used) : 'n/a'}</td>
      <td>${n.status?.nodeInfo?.kubeletVersion ?? ''}</td>
      <td>${age(n.metadata.creationTimestamp)}</td>
    </tr>`;
  });
  return html`
    <${Section} title="Nodes" error=${nodes.error}>
      <${Table} testid="nodes" columns=${['Name', 'Conditions', 'Address', 'Capacity (CPU / memory)', 'Usage (CPU / memory)', 'Kubelet', 'Age']} rows=${rows} />
    <//>
    <${UsageCharts} nodeUsage=${usage} />`;
}
