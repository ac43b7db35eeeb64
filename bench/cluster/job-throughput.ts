import { loadavg } from 'node:os';
import type { ApiClient } from '../../lib/client/client.js';
import { runConcurrent } from '../harness/stats.js';
import { printResult } from '../harness/report.js';
import { startLocalCluster, type LocalCluster } from './local-cluster.js';
import { deleteAndDrain, directPair, DONE, engineFor, enginesOf, jobComplete, median, newSeries, NS, removeDirect, summary, template, timed, warmUp, type Engine, type Series } from './workload-support.js';

// Job throughput over the three real nodes of `kubets up --nodes 3`: a Job of 200 completions of
// a short pod (`true`) at each parallelism, from its create to Complete, against the same 200
// pause + app pairs run directly on the three engines with as many at a time, in the same run,
// rounds alternating. Pods completed per second = 200 / time. Its own benchmark, or part of each
// round of cluster-workloads (BENCH_WORKLOADS=...,throughput).
// Talks only to loopback and to the namespaces and containers it makes.

const NODES = 3;
const ROUNDS = Number(process.env.BENCH_CLUSTER_ROUNDS ?? 3);
const SUBNET = '10.253.10.0/24';
const COMPLETIONS = 200;
const PARALLELISMS = (process.env.BENCH_JOB_PARALLELISM ?? '10,50').split(',').map(Number);

async function clusterRound(client: ApiClient, name: string, parallelism: number): Promise<number> {
  const ms = await timed(async () => {
    await client.resource('job').create({ metadata: { name, namespace: NS }, spec: { completions: COMPLETIONS, parallelism, template: template(name, DONE, 'Never') } });
    await jobComplete(client, name);
  });
  await deleteAndDrain(client, 'job', name);
  return ms;
}

async function directRound(engines: Engine[], parallelism: number): Promise<number> {
  const ms = await timed(async () => {
    await runConcurrent(COMPLETIONS, parallelism, (i) => directPair(engineFor(engines, i), DONE, true));
  });
  await removeDirect(engines);
  return ms;
}

const perSecond = (ms: number): number => Math.round((COMPLETIONS / (ms / 1000)) * 100) / 100;

export const newThroughputSeries = (): Map<number, Series> => new Map(PARALLELISMS.map((p) => [p, newSeries()]));

/** One round at every parallelism: the load average, the direct pairs, then the Job. */
export async function throughputRound(client: ApiClient, engines: Engine[], round: number, series: Map<number, Series>): Promise<void> {
  for (const [parallelism, s] of series) {
    s.load.push(loadavg()[0]!);
    s.direct.push(await directRound(engines, parallelism));
    s.cluster.push(await clusterRound(client, `jobs-${parallelism}-${round}`, parallelism));
    process.stderr.write(`round ${round + 1} parallelism ${parallelism}: cluster ${Math.round(s.cluster[round]!)} ms, direct ${Math.round(s.direct[round]!)} ms, load ${s.load[round]}\n`);
  }
}

export function printThroughput(series: Map<number, Series>): void {
  for (const [parallelism, s] of series) {
    const rate = (xs: number[]) => ({ median: perSecond(median(xs)), min: perSecond(Math.max(...xs)), max: perSecond(Math.min(...xs)) });
    printResult('cluster-job-throughput', { completions: COMPLETIONS, parallelism, podsPerSecond: { cluster: rate(s.cluster), direct: rate(s.direct) }, ...summary(s) });
  }
}

export async function benchClusterJobThroughput(): Promise<void> {
  const cluster: LocalCluster = await startLocalCluster({ nodes: NODES, subnet: SUBNET, name: 'bench-jobs' });
  const engines = enginesOf(cluster);
  const series = newThroughputSeries();
  try {
    await warmUp(cluster.client, NODES);
    for (let round = 0; round < ROUNDS; round++) await throughputRound(cluster.client, engines, round, series);
    printThroughput(series);
  } finally {
    await removeDirect(engines).catch(() => undefined);
    cluster.down();
  }
}
