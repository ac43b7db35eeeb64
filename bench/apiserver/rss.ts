import type { Pod } from '../../lib/api/generated/index.js';
import { createDefaultServiceAccount, startBenchCluster } from '../harness/cluster.js';
import { printResult } from '../harness/report.js';
import { rssMiB, runConcurrent } from '../harness/stats.js';

// apiserver resident memory idle and with 10,000 pods stored and watched.

const PODS = Number(process.env.BENCH_RSS_PODS ?? 10_000);

/** A pod as the memory benches store them by the thousand: one container, requests, a node. */
export function samplePod(i: number): Pod {
  return {
    metadata: { name: `pod-${i}`, namespace: 'default', labels: { app: `app-${i % 50}`, tier: 'bench' } },
    spec: {
      nodeName: `node-${i % 100}`,
      containers: [{ name: 'app', image: 'kubets/hostname:v1', ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
    },
  };
}

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function benchRss(): Promise<void> {
  const cluster = await startBenchCluster();
  try {
    await settle(3000);
    const pid = cluster.apiserver.pid!;
    const idle = rssMiB(pid);
    const client = await cluster.client();
    await createDefaultServiceAccount(client, 'default');
    const pods = client.resource('pod');
    const rate = await runConcurrent(PODS, 100, async (i) => {
      await pods.create(samplePod(i));
    });
    const abort = new AbortController();
    let events = 0;
    const watchers = Array.from({ length: 10 }, async () => {
      try {
        for await (const _ of pods.watch('', { signal: abort.signal, resourceVersion: '0' })) events++;
      } catch (err) {
        if (!abort.signal.aborted) throw err;
      }
    });
    await pods.listAll('');
    await settle(5000);
    const loaded = rssMiB(pid);
    abort.abort();
    await Promise.allSettled(watchers);
    printResult('apiserver-rss', { pods: PODS, createRatePerSec: Math.round(rate), watchers: 10, initialEventsSeen: events, idleRssMiB: +idle.toFixed(1), loadedRssMiB: +loaded.toFixed(1), targetMiB: 200 });
  } finally {
    await cluster.stop();
  }
}
