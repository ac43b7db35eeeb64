import { loadavg } from 'node:os';
import type { Pod } from '../../lib/api/generated/index.js';
import { createDefaultServiceAccount, startBenchCluster } from '../harness/cluster.js';
import { printResult } from '../harness/report.js';
import { cpuSeconds, summarize } from '../harness/stats.js';

// 1,000 watchers of pods; pods are created at a steady pace, each stamped with its send time; the
// delay from send to delivery is recorded at every watcher, and the apiserver's CPU time from the
// first create to the last delivery (what the fan-out costs it per delivery).

const WATCHERS = Number(process.env.BENCH_WATCHERS ?? 1000);
const PODS = Number(process.env.BENCH_WATCH_PODS ?? 200);
const PACE_PER_SEC = Number(process.env.BENCH_WATCH_RATE ?? 20);

export async function benchWatchLatency(): Promise<void> {
  const cluster = await startBenchCluster();
  try {
    const writer = await cluster.client();
    const watcherClient = await cluster.client();
    const pods = watcherClient.resource('pod');
    const delays: number[] = [];
    const abort = new AbortController();
    let ready = 0;
    const done = Array.from({ length: WATCHERS }, async () => {
      let seen = 0;
      const stream = pods.watch('bench', { signal: abort.signal, resourceVersion: String(await currentRv()) });
      ready++;
      try {
        for await (const ev of stream) {
          if (ev.type !== 'ADDED') continue;
          const sent = Number(ev.object.metadata?.annotations?.['bench/sent-ns']);
          delays.push(Number(process.hrtime.bigint() - BigInt(sent)) / 1e6);
          if (++seen >= PODS) break;
        }
      } catch (err) {
        if (!abort.signal.aborted) throw err;
      }
    });
    async function currentRv(): Promise<string> {
      return (await writer.resource('namespace').get('', 'default')).metadata?.resourceVersion ?? '0';
    }
    await writer.resource('namespace').create({ metadata: { name: 'bench' } });
    await createDefaultServiceAccount(writer, 'bench');
    while (ready < WATCHERS) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1000));
    const interval = 1000 / PACE_PER_SEC;
    const apiserverCpuBefore = cpuSeconds(cluster.apiserver.pid!);
    const start = Date.now();
    for (let i = 0; i < PODS; i++) {
      const wait = start + i * interval - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const pod: Pod = {
        metadata: { name: `p-${i}`, namespace: 'bench', annotations: { 'bench/sent-ns': String(process.hrtime.bigint()) } },
        spec: { containers: [{ name: 'c', image: 'kubets/pause:3.9' }] },
      };
      await writer.resource('pod').create(pod);
    }
    const timeout = setTimeout(() => abort.abort(), 30_000);
    await Promise.all(done);
    const apiserverCpuS = cpuSeconds(cluster.apiserver.pid!) - apiserverCpuBefore;
    clearTimeout(timeout);
    abort.abort();
    const s = summarize(delays);
    printResult('apiserver-watch-latency', {
      watchers: WATCHERS, pods: PODS, pacePerSec: PACE_PER_SEC, deliveries: s.n,
      p50Ms: +s.p50.toFixed(1), p90Ms: +s.p90.toFixed(1), p99Ms: +s.p99.toFixed(1), maxMs: +s.max.toFixed(1), targetP99Ms: 100,
      apiserverCpuS: +apiserverCpuS.toFixed(2), apiserverCpuUsPerDelivery: s.n > 0 ? +((apiserverCpuS * 1e6) / s.n).toFixed(1) : null,
      loadAvg1m: loadavg()[0],
    });
  } finally {
    await cluster.stop();
  }
}
