import { Agent, request } from 'node:https';
import type { ConfigMap } from '../../lib/api/generated/index.js';
import { startBenchCluster, type BenchCluster } from '../harness/cluster.js';
import { printResult } from '../harness/report.js';
import { runConcurrent, summarize } from '../harness/stats.js';

// Watch delivery over the HTTP API (one chunked HTTP/1.1 response of WatchEvent lines per watcher,
// as client-go watches) against gRPC (server streams multiplexed on one HTTP/2 channel), in the
// same run: N watchers of one namespace per transport, ConfigMaps written there first at a steady
// pace (latency from the write's start to receipt at every watcher), then as fast as the writer
// can (deliveries per second across all watchers).

const WATCHERS = Number(process.env.BENCH_REST_WATCHERS ?? 100);
const PACED = Number(process.env.BENCH_REST_WATCH_PACED ?? 200);
const PACE_PER_SEC = Number(process.env.BENCH_REST_WATCH_RATE ?? 50);
const BURST = Number(process.env.BENCH_REST_WATCH_BURST ?? 1000);
const BURST_CONCURRENCY = 50;

type Delivery = (sentNs: bigint) => void;
type Watcher = { stop(): void };

/** A watch over the HTTP API from `rv`, calling `deliver` with each ADDED object's send stamp. */
function restWatcher(cluster: BenchCluster, agent: Agent, namespace: string, rv: string, deliver: Delivery): Promise<Watcher> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${cluster.rest.url}/api/v1/namespaces/${namespace}/configmaps?watch=1&resourceVersion=${rv}`,
      { agent, headers: { Authorization: `Bearer ${cluster.rest.token}` } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`watch: HTTP ${res.statusCode}`));
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (text: string) => {
          buffered += text;
          let newline: number;
          while ((newline = buffered.indexOf('\n')) >= 0) {
            const event = JSON.parse(buffered.slice(0, newline)) as { type: string; object: ConfigMap };
            buffered = buffered.slice(newline + 1);
            if (event.type === 'ADDED') deliver(BigInt(event.object.metadata?.annotations?.['bench/sent-ns'] ?? '0'));
          }
        });
        res.on('error', () => undefined);
        resolve({ stop: () => req.destroy() });
      },
    );
    req.on('error', () => undefined);
    req.end();
  });
}

async function grpcWatcher(cluster: BenchCluster, client: Awaited<ReturnType<BenchCluster['client']>>, namespace: string, rv: string, deliver: Delivery): Promise<Watcher> {
  const abort = new AbortController();
  const stream = client.resource('configMap').watch(namespace, { signal: abort.signal, resourceVersion: rv });
  void (async () => {
    try {
      for await (const ev of stream) {
        if (ev.type === 'ADDED') deliver(BigInt(ev.object.metadata?.annotations?.['bench/sent-ns'] ?? '0'));
      }
    } catch (err) {
      if (!abort.signal.aborted) throw err;
    }
  })();
  return { stop: () => abort.abort() };
}

/** Runs the paced and the burst phase against watchers opened by `open`, in a namespace of their own. */
async function measure(cluster: BenchCluster, transport: string, open: (namespace: string, rv: string, deliver: Delivery) => Promise<Watcher>) {
  const writer = await cluster.client();
  const configMaps = writer.resource('configMap');
  const results: Record<string, number> = {};
  for (const phase of ['paced', 'burst'] as const) {
    const namespace = `watch-${transport}-${phase}`;
    const ns = await writer.resource('namespace').create({ metadata: { name: namespace } });
    const rv = ns.metadata?.resourceVersion ?? '0';
    const delays: number[] = [];
    const total = (phase === 'paced' ? PACED : BURST) * WATCHERS;
    let lastReceipt = 0n;
    let allDelivered = (): void => undefined;
    const delivered = new Promise<void>((resolve) => (allDelivered = resolve));
    const deliver: Delivery = (sent) => {
      lastReceipt = process.hrtime.bigint();
      delays.push(Number(lastReceipt - sent) / 1e6);
      if (delays.length === total) allDelivered();
    };
    const watchers = await Promise.all(Array.from({ length: WATCHERS }, () => open(namespace, rv, deliver)));
    await new Promise((r) => setTimeout(r, 1000));
    const write = (i: number) =>
      configMaps.create({ metadata: { name: `cm-${i}`, namespace, annotations: { 'bench/sent-ns': String(process.hrtime.bigint()) } }, data: { k: 'v' } }).then(() => undefined);
    const start = process.hrtime.bigint();
    if (phase === 'paced') {
      const interval = 1000 / PACE_PER_SEC;
      const startMs = Date.now();
      for (let i = 0; i < PACED; i++) {
        const wait = startMs + i * interval - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        await write(i);
      }
    } else {
      await runConcurrent(BURST, BURST_CONCURRENCY, write);
    }
    const timeout = setTimeout(allDelivered, 60_000);
    await delivered;
    clearTimeout(timeout);
    for (const w of watchers) w.stop();
    const s = summarize(delays);
    if (phase === 'paced') Object.assign(results, { pacedDeliveries: s.n, pacedP50Ms: +s.p50.toFixed(1), pacedP99Ms: +s.p99.toFixed(1) });
    else Object.assign(results, { burstDeliveries: s.n, burstEventsPerSec: Math.round(s.n / (Number(lastReceipt - start) / 1e9)), burstP50Ms: +s.p50.toFixed(1), burstP99Ms: +s.p99.toFixed(1) });
  }
  return results;
}

export async function benchRestWatch(): Promise<void> {
  const cluster = await startBenchCluster();
  try {
    const agent = new Agent({ keepAlive: true, maxSockets: WATCHERS + 10, ca: cluster.rest.caPem });
    const rest = await measure(cluster, 'rest', (namespace, rv, deliver) => restWatcher(cluster, agent, namespace, rv, deliver));
    agent.destroy();
    const watchClient = await cluster.client();
    const grpc = await measure(cluster, 'grpc', (namespace, rv, deliver) => grpcWatcher(cluster, watchClient, namespace, rv, deliver));
    printResult('apiserver-rest-watch', { watchers: WATCHERS, paced: PACED, pacePerSec: PACE_PER_SEC, burst: BURST, rest, grpc });
  } finally {
    await cluster.stop();
  }
}
