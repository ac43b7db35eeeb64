import { loadavg } from 'node:os';
import type { ConfigMap } from '../../lib/api/generated/index.js';
import { startBenchCluster } from '../harness/cluster.js';
import { printResult } from '../harness/report.js';
import { runConcurrent } from '../harness/stats.js';
import { grpcRequestKind } from '../../services/apiserver/grpc-request-kind.js';
import { requestMetrics, timeEtcd } from '../../services/apiserver/metrics.js';
import { measure, type CpuUse } from './creates.js';

// What the request metrics cost: ConfigMap creates/s and the apiserver's CPU-seconds per 1,000
// creates with them on and off (--request-metrics=false), on fresh clusters started alternately
// in the same run, so both see the same machine. Reported as the median and range of the runs.

const RUNS = Number(process.env.BENCH_METRICS_RUNS ?? 3);
const TOTAL = Number(process.env.BENCH_CREATES ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CREATES_CONCURRENCY ?? 50);
const PAYLOAD = 'x'.repeat(256);

type Mode = 'metrics on' | 'metrics off';

async function oneRun(mode: Mode): Promise<CpuUse> {
  const cluster = await startBenchCluster({ apiserverArgs: () => (mode === 'metrics off' ? ['--request-metrics=false'] : []) });
  try {
    const configMaps = (await cluster.client()).resource('configMap');
    const create = (prefix: string) => async (i: number) => {
      const cm: ConfigMap = { metadata: { name: `${prefix}-${i}`, namespace: 'default' }, data: { payload: PAYLOAD } };
      await configMaps.create(cm);
    };
    await runConcurrent(500, 50, create('warm'));
    return await measure({ apiserver: cluster.apiserver.pid! }, TOTAL, CONCURRENCY, create('bench'));
  } finally {
    await cluster.stop();
  }
}

function medianAndRange(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/**
 * The CPU time of what a create adds with metrics on, measured in this process where the machine's
 * load barely matters: one gRPC request labelled and recorded (counter and histogram) and one
 * etcd request timed.
 */
async function perCreateCostMicroseconds(): Promise<{ recordRequest: number; timeEtcdRequest: number }> {
  const metrics = requestMetrics();
  const request = { namespace: 'default', object: { configMap: { metadata: { name: 'x' } } } };
  const n = 200_000;
  const cpu = (fn: () => void | Promise<void>) => async (): Promise<number> => {
    const before = process.cpuUsage();
    for (let i = 0; i < n; i++) await fn();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / n;
  };
  const start = process.hrtime.bigint();
  const done = Promise.resolve(1);
  const baseline = await cpu(async () => void (await done))();
  const timed = await cpu(async () => void (await timeEtcd('create', '/registry/configmaps/default/x', () => done)))();
  return { recordRequest: Number((await cpu(() => metrics.record(grpcRequestKind('Create', request), 201, start))()).toFixed(3)), timeEtcdRequest: Number(Math.max(0, timed - baseline).toFixed(3)) };
}

export async function benchMetricsCost(): Promise<void> {
  printResult('apiserver-metrics-cost-per-create', { cpuMicroseconds: await perCreateCostMicroseconds() });
  const results: Record<Mode, CpuUse[]> = { 'metrics on': [], 'metrics off': [] };
  for (let run = 0; run < RUNS; run++) {
    // Alternate which goes first, so a drift in the machine's load does not favour one.
    const order: Mode[] = run % 2 === 0 ? ['metrics on', 'metrics off'] : ['metrics off', 'metrics on'];
    for (const mode of order) {
      const load = loadavg()[0]!;
      const use = await oneRun(mode);
      results[mode].push(use);
      printResult('apiserver-metrics-cost-run', { run: run + 1, mode, loadAverage: Number(load.toFixed(1)), createsPerSec: Math.round(use.rate), apiserverCpuPer1000: use.cpuPer1000.apiserver });
    }
  }
  const summary = Object.fromEntries(
    (Object.entries(results) as [Mode, CpuUse[]][]).map(([mode, uses]) => [
      mode,
      { createsPerSec: medianAndRange(uses.map((u) => Math.round(u.rate))), apiserverCpuPer1000: medianAndRange(uses.map((u) => u.cpuPer1000.apiserver!)) },
    ]),
  );
  const on = summary['metrics on']!;
  const off = summary['metrics off']!;
  printResult('apiserver-metrics-cost', {
    runs: RUNS,
    total: TOTAL,
    concurrency: CONCURRENCY,
    ...summary,
    cpuCost: Number((on.apiserverCpuPer1000.median / off.apiserverCpuPer1000.median - 1).toFixed(3)),
    rateCost: Number((1 - on.createsPerSec.median / off.createsPerSec.median).toFixed(3)),
    target: 0.05,
  });
}
