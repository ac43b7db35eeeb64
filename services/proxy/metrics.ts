import { exponentialBuckets, Gauge, Histogram } from 'prom-client';
import { processRegistry, secondsSince } from '../../lib/metrics/index.js';

// kube-proxy's sync metrics under its names: how long a full sync takes, when the last one
// finished, and how many rules it wrote per table.

const registers = [processRegistry];

const syncDuration = new Histogram({
  name: 'kubeproxy_sync_proxy_rules_duration_seconds',
  help: 'SyncProxyRules latency in seconds',
  // kube-proxy's: 1 ms to about 16 s, doubling.
  buckets: exponentialBuckets(0.001, 2, 15),
  registers,
});

const lastSync = new Gauge({
  name: 'kubeproxy_sync_proxy_rules_last_timestamp_seconds',
  help: 'The last time proxy rules were successfully synced',
  registers,
});

const ruleCounts = new Gauge({
  name: 'kubeproxy_sync_proxy_rules_iptables_total',
  help: 'Total number of iptables rules owned by kube-proxy',
  labelNames: ['table'],
  registers,
});

export type RuleCounts = Record<'filter' | 'nat', number>;

/** The rules (`-A` lines) per table in iptables-restore input. */
export function countRules(restoreInput: string): RuleCounts {
  const counts: RuleCounts = { filter: 0, nat: 0 };
  let table: keyof RuleCounts | undefined;
  for (const line of restoreInput.split('\n')) {
    if (line.startsWith('*')) table = line === '*filter' || line === '*nat' ? (line.slice(1) as keyof RuleCounts) : undefined;
    else if (table && line.startsWith('-A ')) counts[table]++;
  }
  return counts;
}

/** Times one sync of the rules; a successful one also records its time and the rules it wrote. */
export async function timeSync(sync: () => Promise<RuleCounts>): Promise<void> {
  const start = process.hrtime.bigint();
  try {
    const counts = await sync();
    lastSync.set(Date.now() / 1000);
    for (const [table, n] of Object.entries(counts)) ruleCounts.set({ table }, n);
  } finally {
    syncDuration.observe(secondsSince(start));
  }
}
