import { loadavg } from 'node:os';
import type { ApiClient } from '../../lib/client/client.js';
import { startBenchCluster } from '../harness/cluster.js';
import { printResult } from '../harness/report.js';
import { runConcurrent } from '../harness/stats.js';
import { measure } from './creates.js';

// What one small unary call costs the apiserver: calls/s and its CPU microseconds per call for a
// Version (nothing but the gRPC request and our per-call path), a ConfigMap Get (one etcd read) as
// the admin (system:masters) and as the scheduler (RBAC decides), and a ConfigMap create, each at a
// fixed concurrency and count. CPU comes from /proc, so the machine's load moves it less than the
// rates.

const TOTAL = Number(process.env.BENCH_UNARY_CALLS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_UNARY_CONCURRENCY ?? 50);
const PAYLOAD = 'x'.repeat(256);
const NAMESPACE = 'default';
/** BENCH_UNARY_ONLY=version,get-rbac measures only those (for a profile of one kind of call). */
const ONLY = process.env.BENCH_UNARY_ONLY?.split(',');

type Call = (client: { admin: ApiClient; scheduler: ApiClient }, i: number) => Promise<unknown>;

const CALLS: Record<string, Call> = {
  version: ({ admin }) => admin.version(),
  'get-admin': ({ admin }) => admin.resource('configMap').get(NAMESPACE, 'bench-read'),
  'get-rbac': ({ scheduler }) => scheduler.resource('node').get('', 'bench-node'),
  'create-configmap': ({ admin }, i) => admin.resource('configMap').create({ metadata: { name: `bench-${i}`, namespace: NAMESPACE }, data: { payload: PAYLOAD } }),
};

export async function benchUnaryCalls(): Promise<void> {
  const cluster = await startBenchCluster();
  try {
    const clients = { admin: await cluster.client(), scheduler: await cluster.clientAs('scheduler') };
    await clients.admin.resource('configMap').create({ metadata: { name: 'bench-read', namespace: NAMESPACE }, data: { payload: PAYLOAD } });
    await clients.admin.resource('node').create({ metadata: { name: 'bench-node' }, spec: {} });
    const pids = { apiserver: cluster.apiserver.pid! };
    for (const [name, call] of Object.entries(CALLS).filter(([n]) => !ONLY || ONLY.includes(n))) {
      // Warm up (JIT, the connection) before anything is measured.
      await runConcurrent(500, CONCURRENCY, (i) => call(clients, TOTAL + i).then(() => undefined));
      const load = loadavg()[0]!;
      const use = await measure(pids, TOTAL, CONCURRENCY, (i) => call(clients, i).then(() => undefined));
      printResult('apiserver-unary-calls', {
        call: name,
        total: TOTAL,
        concurrency: CONCURRENCY,
        loadAverage: Number(load.toFixed(1)),
        callsPerSec: Math.round(use.rate),
        apiserverCpuMicrosPerCall: Math.round(use.cpuPer1000.apiserver! * 1000),
        clientCpuMicrosPerCall: Math.round(use.cpuPer1000.client! * 1000),
      });
    }
  } finally {
    await cluster.stop();
  }
}
