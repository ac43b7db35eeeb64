import { Agent, request } from 'node:https';
import { loadavg } from 'node:os';
import { rawEtcdClient } from '../../test/harness/etcd.js';
import { startBenchCluster } from '../harness/cluster.js';
import { printResult } from '../harness/report.js';
import { runConcurrent } from '../harness/stats.js';

// ConfigMap creates/s over the HTTP API (JSON over HTTP/1.1 keep-alive, as the Kubernetes 1.32
// figure was measured) against the gRPC API (protobuf over HTTP/2) and raw etcd puts of the same
// size, at the same concurrency, in the same run.

const TOTAL = Number(process.env.BENCH_REST_CREATES ?? 3000);
const CONCURRENCIES = (process.env.BENCH_REST_CREATES_CONCURRENCY ?? '50,500').split(',').map(Number);
const PAYLOAD = 'x'.repeat(256);

function restCreate(agent: Agent, rest: { url: string; token: string }, name: string): Promise<void> {
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { payload: PAYLOAD } });
  return new Promise((resolve, reject) => {
    const req = request(
      `${rest.url}/api/v1/namespaces/default/configmaps`,
      { method: 'POST', agent, headers: { Authorization: `Bearer ${rest.token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`create ${name}: HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function benchRestCreates(): Promise<void> {
  const cluster = await startBenchCluster();
  try {
    const configMaps = (await cluster.client()).resource('configMap');
    const raw = rawEtcdClient(cluster.etcd);
    for (const concurrency of CONCURRENCIES) {
      const agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca: cluster.rest.caPem });
      // Warm up every path (JIT, connections) before anything is measured.
      await runConcurrent(Math.max(500, concurrency), concurrency, async (i) => {
        await raw.put(`/bench/warm-${concurrency}/${i}`).value(PAYLOAD);
        await configMaps.create({ metadata: { name: `warm-grpc-${concurrency}-${i}`, namespace: 'default' }, data: { payload: PAYLOAD } });
        await restCreate(agent, cluster.rest, `warm-rest-${concurrency}-${i}`);
      });
      const value = Buffer.from(JSON.stringify({ metadata: { name: 'bench-000000', namespace: 'default' }, data: { payload: PAYLOAD } }));
      const load = loadavg()[0]!;
      const etcd = await runConcurrent(TOTAL, concurrency, async (i) => {
        await raw.put(`/bench/raw-${concurrency}/${i}`).value(value);
      });
      const grpc = await runConcurrent(TOTAL, concurrency, async (i) => {
        await configMaps.create({ metadata: { name: `grpc-${concurrency}-${i}`, namespace: 'default' }, data: { payload: PAYLOAD } });
      });
      const rest = await runConcurrent(TOTAL, concurrency, (i) => restCreate(agent, cluster.rest, `rest-${concurrency}-${i}`));
      agent.destroy();
      printResult('apiserver-rest-creates', {
        concurrency,
        total: TOTAL,
        loadAverage: Number(load.toFixed(1)),
        etcdPutsPerSec: Math.round(etcd),
        grpcCreatesPerSec: Math.round(grpc),
        restCreatesPerSec: Math.round(rest),
        restToEtcd: Number((rest / etcd).toFixed(3)),
        restToGrpc: Number((rest / grpc).toFixed(3)),
        kubernetesToEtcdHere: '0.39-0.48',
      });
    }
    raw.close();
  } finally {
    await cluster.stop();
  }
}
