import { loadavg } from 'node:os';
import type { Pod } from '../../lib/api/generated/index.js';
import type { ApiClient } from '../../lib/client/client.js';
import { runConcurrent } from '../harness/stats.js';
import { printResult } from '../harness/report.js';
import { pollUntil } from '../../test/harness/poll.js';
import { startLocalCluster, type LocalCluster } from './local-cluster.js';
import { newThroughputSeries, printThroughput, throughputRound } from './job-throughput.js';
import { PodTimeline, timelineSummary } from './pod-timeline.js';
import { clusterCpuSeconds, cpuDelta, kubeletsCpuSeconds, type CpuPart } from './processes.js';
import {
  deleteAndDrain, directPair, DONE, engineFor, enginesOf, jobComplete, median, newSeries, NS, podsOf, ready, removeDirect, round2, SLEEP, summary, template, timed, WAIT, warmUp,
  type Engine, type Series,
} from './workload-support.js';

// Workloads over the three real nodes of `kubets up --nodes 3`, each against the same pause + app
// container pairs started directly on the three engines, in the same run, rounds alternating: 30
// pods at once (an RC of 30, from create to all Ready, with where each pod's time went), a
// DaemonSet (from create to Ready on every node), and a Job of 30 completions at parallelism 6
// (from create to Complete); and with `throughput`, job-throughput.ts's 200 completions in each
// round on the same cluster. BENCH_WORKLOADS (pods,daemonset,job[,throughput]) picks them.
// Talks only to loopback and to the namespaces and containers it makes.

const NODES = 3;
const ROUNDS = Number(process.env.BENCH_CLUSTER_ROUNDS ?? 3);
const WORKLOADS = new Set((process.env.BENCH_WORKLOADS ?? 'pods,daemonset,job').split(','));
const SUBNET = '10.253.11.0/24';
const PODS = 30;
const JOB_COMPLETIONS = 30;
const JOB_PARALLELISM = 6;

interface PodsRound {
  ms: number;
  perNode: Record<string, number>;
  timeline: Record<string, unknown>;
  /** CPU-seconds of the three kubelets (and the mounts they ran) from the create to all Ready. */
  kubeletCpuSec: number;
  /** CPU-seconds of each part of the cluster over the same span. */
  cpuSec: Record<CpuPart, number>;
}

async function podsRound(cluster: LocalCluster, round: number): Promise<PodsRound> {
  const { client } = cluster;
  const name = `pods-${round}`;
  let pods: Pod[] = [];
  const timeline = new PodTimeline(client, NS, `app=${name}`);
  const cpuBefore = kubeletsCpuSeconds(cluster.engines.keys());
  const partsBefore = clusterCpuSeconds(cluster.dataDir, cluster.clusterId);
  const t0 = Date.now();
  const ms = await timed(async () => {
    await client.resource('replicationController').create({
      metadata: { name, namespace: NS },
      spec: { replicas: PODS, selector: { app: name }, template: template(name, SLEEP) },
    });
    await pollUntil(async () => {
      pods = await podsOf(client, name);
      return pods.length === PODS && pods.every(ready);
    }, { ...WAIT, what: `${PODS} pods Ready` });
  });
  const kubeletCpuSec = kubeletsCpuSeconds(cluster.engines.keys()) - cpuBefore;
  const cpuSec = cpuDelta(partsBefore, clusterCpuSeconds(cluster.dataDir, cluster.clusterId));
  const marks = await timeline.finish(cluster.engines);
  const perNode: Record<string, number> = {};
  for (const p of pods) perNode[p.spec?.nodeName ?? ''] = (perNode[p.spec?.nodeName ?? ''] ?? 0) + 1;
  await deleteAndDrain(client, 'replicationController', name);
  return { ms, perNode, timeline: timelineSummary(t0, marks), kubeletCpuSec, cpuSec };
}

async function daemonSetRound(client: ApiClient, round: number): Promise<number> {
  const name = `ds-${round}`;
  const ms = await timed(async () => {
    await client.resource('daemonSet').create({ metadata: { name, namespace: NS }, spec: { selector: { matchLabels: { app: name } }, template: template(name, SLEEP) } });
    await pollUntil(async () => (await podsOf(client, name)).filter(ready).length === NODES, { ...WAIT, what: 'a Ready daemon pod per node' });
  });
  await deleteAndDrain(client, 'daemonSet', name);
  return ms;
}

async function jobRound(client: ApiClient, round: number): Promise<number> {
  const name = `job-${round}`;
  const ms = await timed(async () => {
    await client.resource('job').create({
      metadata: { name, namespace: NS },
      spec: { completions: JOB_COMPLETIONS, parallelism: JOB_PARALLELISM, template: template(name, DONE, 'Never') },
    });
    await jobComplete(client, name);
  });
  await deleteAndDrain(client, 'job', name);
  return ms;
}

/**
 * The direct pairs; the kubelets meanwhile only idle, which gives their idle CPU rate under the
 * same load. `cpuSec` gets each cluster part's CPU over the round (the namespaced engines' is the
 * direct pairs' work there).
 */
async function directPodsRound(engines: Engine[], cluster: LocalCluster, idleCpuPerSec: number[], cpuSec: Record<CpuPart, number>[]): Promise<number> {
  const cpuBefore = kubeletsCpuSeconds(cluster.engines.keys());
  const partsBefore = clusterCpuSeconds(cluster.dataDir, cluster.clusterId);
  const ms = await timed(async () => {
    await Promise.all(Array.from({ length: PODS }, (_, i) => directPair(engineFor(engines, i), SLEEP, false)));
  });
  idleCpuPerSec.push((kubeletsCpuSeconds(cluster.engines.keys()) - cpuBefore) / (ms / 1000));
  cpuSec.push(cpuDelta(partsBefore, clusterCpuSeconds(cluster.dataDir, cluster.clusterId)));
  await removeDirect(engines);
  return ms;
}

async function directDaemonRound(engines: Engine[]): Promise<number> {
  const ms = await timed(async () => {
    await Promise.all(engines.map((e) => directPair(e, SLEEP, false)));
  });
  await removeDirect(engines);
  return ms;
}

async function directJobRound(engines: Engine[]): Promise<number> {
  const ms = await timed(async () => {
    await runConcurrent(JOB_COMPLETIONS, JOB_PARALLELISM, (i) => directPair(engineFor(engines, i), DONE, true));
  });
  await removeDirect(engines);
  return ms;
}

/**
 * The kubelets' CPU per pod started, in milliseconds, per round: their CPU from the create to all
 * Ready, less what they spend idle over as long (heartbeats, relists, stats; measured while the
 * direct pairs of the same round ran), over the pods.
 */
function kubeletCpuPerPod(pods: Series, cpu: { podsSec: number[]; idlePerSec: number[] }): { rounds: number[]; median: number } {
  const rounds = cpu.podsSec.map((sec, i) => Math.round(((sec - cpu.idlePerSec[i]! * (pods.cluster[i]! / 1000)) / PODS) * 1000));
  return { rounds, median: median(rounds) };
}

/** One round of a workload: the load average, then the direct pairs, then the cluster. */
async function measure(series: Series, direct: () => Promise<number>, viaCluster: () => Promise<number>): Promise<void> {
  series.load.push(loadavg()[0]!);
  series.direct.push(await direct());
  series.cluster.push(await viaCluster());
}

export async function benchClusterWorkloads(): Promise<void> {
  const cluster: LocalCluster = await startLocalCluster({ nodes: NODES, subnet: SUBNET, name: 'bench-workloads' });
  const engines = enginesOf(cluster);
  const series = { pods: newSeries(), daemonSet: newSeries(), job: newSeries() };
  const throughput = newThroughputSeries();
  const spread: Record<string, number>[] = [];
  const timelines: Record<string, unknown>[] = [];
  const kubeletCpu: { podsSec: number[]; idlePerSec: number[] } = { podsSec: [], idlePerSec: [] };
  const directCpu: Record<CpuPart, number>[] = [];
  const clusterCpu: Record<CpuPart, number>[] = [];
  try {
    await warmUp(cluster.client, NODES);
    for (let round = 0; round < ROUNDS; round++) {
      if (WORKLOADS.has('pods')) {
        await measure(series.pods, () => directPodsRound(engines, cluster, kubeletCpu.idlePerSec, directCpu), async () => {
          const pods = await podsRound(cluster, round);
          spread.push(pods.perNode);
          timelines.push(pods.timeline);
          kubeletCpu.podsSec.push(pods.kubeletCpuSec);
          clusterCpu.push(pods.cpuSec);
          const cpu = { kubeletCpuSec: round2(pods.kubeletCpuSec), kubeletIdleCpuPerSec: round2(kubeletCpu.idlePerSec[round]!), cpuSec: { cluster: pods.cpuSec, direct: directCpu[round] } };
          process.stderr.write(`round ${round + 1}/${ROUNDS}: ${JSON.stringify({ pods: pods.ms, podsDirect: series.pods.direct[round], perNode: pods.perNode, ...cpu, timeline: pods.timeline })}\n`);
          return pods.ms;
        });
      }
      if (WORKLOADS.has('daemonset')) await measure(series.daemonSet, () => directDaemonRound(engines), () => daemonSetRound(cluster.client, round));
      if (WORKLOADS.has('job')) await measure(series.job, () => directJobRound(engines), () => jobRound(cluster.client, round));
      if (WORKLOADS.has('throughput')) await throughputRound(cluster.client, engines, round, throughput);
    }
    if (WORKLOADS.has('pods')) {
      printResult('cluster-pod-startup', { pods: PODS, nodes: NODES, ...summary(series.pods), kubeletCpuPerPodMs: kubeletCpuPerPod(series.pods, kubeletCpu), cpuSecPerRound: { cluster: clusterCpu, direct: directCpu }, podsPerNode: spread, timelines });
    }
    if (WORKLOADS.has('daemonset')) printResult('cluster-daemonset', { nodes: NODES, ...summary(series.daemonSet) });
    if (WORKLOADS.has('job')) printResult('cluster-job', { completions: JOB_COMPLETIONS, parallelism: JOB_PARALLELISM, ...summary(series.job) });
    if (WORKLOADS.has('throughput')) printThroughput(throughput);
  } finally {
    await removeDirect(engines).catch(() => undefined);
    cluster.down();
  }
}
