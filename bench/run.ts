import { benchAuditCreates } from './apiserver/audit-creates.js';
import { benchEvictionBudget } from './apiserver/eviction-budget.js';
import { benchCreates } from './apiserver/creates.js';
import { benchRestCreates } from './apiserver/rest-creates.js';
import { benchRegistryCreates } from './apiserver/registry-creates.js';
import { benchRss } from './apiserver/rss.js';
import { benchWatchLatency } from './apiserver/watch-latency.js';
import { benchSchedulerApi } from './scheduler/api.js';
import { benchSchedulerCycle } from './scheduler/cycle.js';
import { benchKubeletStartup } from './kubelet/startup.js';
import { benchKubeletMetrics } from './kubelet/metrics.js';
import { benchCliStartup } from './cli/startup.js';
import { benchNodeMemory } from './cluster/node-memory.js';
import { benchNetworkPolicySync } from './proxy/network-policy-sync.js';
import { benchRestWatch } from './apiserver/rest-watch.js';
import { benchRestList } from './apiserver/rest-list.js';
import { benchSecretCreates } from './apiserver/secret-creates.js';
import { benchMetricsCost } from './apiserver/metrics-cost.js';
import { benchHpaReaction } from './kubelet/hpa-reaction.js';
import { benchEtcdFailover } from './cluster/etcd-failover.js';
import { benchDashboardFirstLoad } from './dashboard/first-load.js';
import { benchClusterWorkloads } from './cluster/workloads.js';
import { benchAuditEventCost } from './apiserver/audit-event-cost.js';
import { benchClusterJobThroughput } from './cluster/job-throughput.js';
import { benchAddons } from './addons/addons.js';
import { benchUnaryCalls } from './apiserver/unary-calls.js';
import { privateCacheHome } from '../test/harness/cache-home.js';

// `npm run bench [name...]`: runs the named benchmarks (all by default), each printing JSON lines.
const benches: Record<string, () => Promise<void>> = {
  'apiserver-creates': benchCreates,
  'apiserver-rest-creates': benchRestCreates,
  'apiserver-watch-latency': benchWatchLatency,
  'apiserver-rss': benchRss,
  'apiserver-audit-creates': benchAuditCreates,
  'scheduler-api': benchSchedulerApi,
  'scheduler-cycle': benchSchedulerCycle,
  'kubelet-startup': benchKubeletStartup,
  'cli-startup': benchCliStartup,
  'cluster-node-memory': benchNodeMemory,
  'proxy-network-policy-sync': benchNetworkPolicySync,
  'apiserver-rest-watch': benchRestWatch,
  'apiserver-rest-list': benchRestList,
  'kubelet-metrics': benchKubeletMetrics,
  'apiserver-secret-creates': benchSecretCreates,
  'apiserver-metrics-cost': benchMetricsCost,
  'kubelet-hpa-reaction': benchHpaReaction,
  'cluster-etcd-failover': benchEtcdFailover,
  'dashboard-first-load': benchDashboardFirstLoad,
  'cluster-workloads': benchClusterWorkloads,
  'apiserver-audit-event-cost': benchAuditEventCost,
  'cluster-job-throughput': benchClusterJobThroughput,
  addons: benchAddons,
  'apiserver-eviction-budget': benchEvictionBudget,
  'apiserver-registry-creates': benchRegistryCreates,
  'apiserver-unary-calls': benchUnaryCalls,
};

// Every built CLI the benchmarks start keeps its code cache there rather than in the user's.
process.on('exit', privateCacheHome().remove);

const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(benches)) {
  const run = benches[name];
  if (!run) {
    process.stderr.write(`unknown benchmark "${name}"; known: ${Object.keys(benches).join(', ')}\n`);
    process.exit(2);
  }
  await run();
}
process.exit(0);
