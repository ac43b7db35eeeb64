import { Etcd3 } from 'etcd3';
import type { ConfigMap } from '../../lib/api/generated/index.js';
import { startBenchCluster } from '../harness/cluster.js';
import { printResult } from '../harness/report.js';
import { runConcurrent } from '../harness/stats.js';

// Creates/s through the apiserver (ConfigMaps, as the Kubernetes 1.32 figure was measured) against
// raw etcd3 puts of the same encoded size at the same concurrency, in the same run.

const TOTAL = Number(process.env.BENCH_CREATES ?? 5000);
const PAYLOAD = 'x'.repeat(256);

export async function benchCreates(): Promise<void> {
  const cluster = await startBenchCluster();
  try {
    const client = await cluster.client();
    const raw = new Etcd3({ hosts: cluster.etcd.endpoint });
    const configMaps = client.resource('configMap');
    for (const concurrency of [50, 500]) {
      const value = Buffer.from(JSON.stringify({ metadata: { name: 'bench-000000', namespace: 'default' }, data: { payload: PAYLOAD } }));
      const etcdRate = await runConcurrent(TOTAL, concurrency, async (i) => {
        await raw.put(`/bench/raw-${concurrency}/${i}`).value(value);
      });
      const apiRate = await runConcurrent(TOTAL, concurrency, async (i) => {
        const cm: ConfigMap = { metadata: { name: `bench-${concurrency}-${i}`, namespace: 'default' }, data: { payload: PAYLOAD } };
        await configMaps.create(cm);
      });
      printResult('apiserver-creates', {
        concurrency,
        total: TOTAL,
        etcdPutsPerSec: Math.round(etcdRate),
        apiserverCreatesPerSec: Math.round(apiRate),
        ratio: Number((apiRate / etcdRate).toFixed(3)),
        target: 0.6,
      });
    }
    raw.close();
  } finally {
    await cluster.stop();
  }
}
