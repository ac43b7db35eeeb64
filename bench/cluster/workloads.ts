import { randomUUID } from 'node:crypto';
import { loadavg, totalmem } from 'node:os';
import type Docker from 'dockerode';
import type { Pod, PodSpec } from '../../lib/api/generated/index.js';
import type { ApiClient } from '../../lib/client/client.js';
import { KUBENET_NETWORK, LABEL_NODE } from '../../services/kubelet/index.js';
import { containerCreateOptions, sandboxCreateOptions } from '../../services/kubelet/runtime/container-config.js';
import { DEFAULT_PAUSE_IMAGE } from '../../services/kubelet/runtime/docker-runtime.js';
import { podQOSClass } from '../../services/kubelet/runtime/qos.js';
import { oomScoreFloor } from '../../services/kubelet/runtime/resources.js';
import { pollUntil } from '../../test/harness/poll.js';
import { printResult } from '../harness/report.js';
import { runConcurrent } from '../harness/stats.js';
import { startLocalCluster, type LocalCluster } from './local-cluster.js';

// Workloads over the three real nodes of `kubets up --nodes 3`, each against the same pause + app
// container pairs started directly on the three engines through dockerode (the kubelet's own create
// options, on each engine's kubenet network with the node as DNS), in the same run, rounds
// alternating: 30 pods at once (an RC of 30, from create to all Ready), a DaemonSet (from create to
// Ready on every node), and a Job of 30 completions at parallelism 6 (from create to Complete).
// Talks only to loopback and to the namespaces and containers it makes.

const NODES = 3;
const ROUNDS = Number(process.env.BENCH_CLUSTER_ROUNDS ?? 3);
const SUBNET = '10.253.11.0/24';
const IMAGE = 'kubets/busybox:1.36';
const SLEEP = ['sleep', '3600'];
const DONE = ['true'];
const PODS = 30;
const JOB_COMPLETIONS = 30;
const JOB_PARALLELISM = 6;
const NS = 'default';
const WAIT = { timeoutMs: 600_000, intervalMs: 200 };
/** The direct containers' node label: no kubelet owns it (nor the cluster ID), so none touches them. */
const DIRECT_NODE = `bench-direct-${process.pid}`;

const sec = (ms: number): number => Math.round(ms) / 1000;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Engine {
  name: string;
  docker: Docker;
  dns: string;
}

/** One pause + app pair, as the kubelet makes it, on one engine; resolves once the app runs (or, with `waitExit`, has exited). */
async function directPair(engine: Engine, command: string[], waitExit: boolean): Promise<void> {
  const uid = randomUUID();
  const pod: Pod = { metadata: { name: `direct-${uid.slice(0, 8)}`, namespace: NS, uid }, spec: { containers: [{ name: 'app', image: IMAGE, command }] } };
  const owner = { nodeName: DIRECT_NODE };
  const minOomScoreAdj = oomScoreFloor();
  const pause = await engine.docker.createContainer(
    sandboxCreateOptions({ pod, attempt: 0, owner, dns: { clusterDNS: [engine.dns], clusterDomain: 'cluster.local' }, pauseImage: DEFAULT_PAUSE_IMAGE, network: KUBENET_NETWORK, minOomScoreAdj }),
  );
  await pause.start();
  const app = await engine.docker.createContainer(
    containerCreateOptions({
      pod, container: pod.spec!.containers![0]!, init: false, restartCount: 0, sandboxId: pause.id,
      options: { env: [], mounts: [], command, args: [] }, owner, qos: podQOSClass(pod), nodeMemoryBytes: totalmem(), minOomScoreAdj,
    }),
  );
  await app.start();
  if (waitExit) await app.wait();
}

async function removeDirect(engines: Engine[]): Promise<void> {
  for (const e of engines) {
    const containers = await e.docker.listContainers({ all: true, filters: { label: [`${LABEL_NODE}=${DIRECT_NODE}`] } });
    await Promise.all(containers.map((c) => e.docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  }
}

async function timed(work: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

const template = (app: string, command: string[], restartPolicy: PodSpec['restartPolicy'] = 'Always') => ({
  metadata: { labels: { app } },
  spec: { restartPolicy, terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: IMAGE, command }] },
});

const ready = (p: Pod): boolean => Boolean(p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));

async function podsOf(client: ApiClient, app: string): Promise<Pod[]> {
  return (await client.resource('pod').list(NS, { labelSelector: `app=${app}` })).items;
}

/** Deletes a workload with its pods and waits until they are gone, so the next round starts clean. */
async function deleteAndDrain(client: ApiClient, kind: 'replicationController' | 'daemonSet' | 'job', name: string): Promise<void> {
  await client.resource(kind).delete(NS, name, { propagationPolicy: 'Foreground' });
  await pollUntil(async () => (await podsOf(client, name)).length === 0, { ...WAIT, intervalMs: 500, what: `${name}'s pods gone` });
}

/** When, from the create, all pods were first seen created, bound, running and ready (as the polls saw them). */
type Milestones = Record<'created' | 'bound' | 'running' | 'ready', number>;

async function podsRound(client: ApiClient, round: number): Promise<{ ms: number; perNode: Record<string, number>; milestones: Partial<Milestones> }> {
  const name = `pods-${round}`;
  let pods: Pod[] = [];
  const milestones: Partial<Milestones> = {};
  const t0 = performance.now();
  const seen = (key: keyof Milestones, reached: boolean): void => {
    if (reached && milestones[key] === undefined) milestones[key] = Math.round(performance.now() - t0);
  };
  const ms = await timed(async () => {
    await client.resource('replicationController').create({
      metadata: { name, namespace: NS },
      spec: { replicas: PODS, selector: { app: name }, template: template(name, SLEEP) },
    });
    await pollUntil(async () => {
      pods = await podsOf(client, name);
      const full = pods.length === PODS;
      seen('created', full);
      seen('bound', full && pods.every((p) => p.spec?.nodeName));
      seen('running', full && pods.every((p) => p.status?.phase === 'Running'));
      seen('ready', full && pods.every(ready));
      return full && pods.every(ready);
    }, { ...WAIT, what: `${PODS} pods Ready` });
  });
  const perNode: Record<string, number> = {};
  for (const p of pods) perNode[p.spec?.nodeName ?? ''] = (perNode[p.spec?.nodeName ?? ''] ?? 0) + 1;
  await deleteAndDrain(client, 'replicationController', name);
  return { ms, perNode, milestones };
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
    await pollUntil(async () => {
      const job = await client.resource('job').get(NS, name);
      return job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True');
    }, { ...WAIT, what: 'the Job Complete' });
  });
  await deleteAndDrain(client, 'job', name);
  return ms;
}

/** Round-robin over the engines, as the scheduler spreads pods. */
const engineFor = (engines: Engine[], i: number): Engine => engines[i % engines.length]!;

async function directPodsRound(engines: Engine[]): Promise<number> {
  const ms = await timed(async () => {
    await Promise.all(Array.from({ length: PODS }, (_, i) => directPair(engineFor(engines, i), SLEEP, false)));
  });
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

interface Series {
  cluster: number[];
  direct: number[];
  load: number[];
}

function summary(s: Series): Record<string, unknown> {
  const ratios = s.cluster.map((c, i) => c / s.direct[i]!);
  return {
    rounds: s.cluster.length,
    clusterSec: { median: sec(median(s.cluster)), min: sec(Math.min(...s.cluster)), max: sec(Math.max(...s.cluster)) },
    directSec: { median: sec(median(s.direct)), min: sec(Math.min(...s.direct)), max: sec(Math.max(...s.direct)) },
    ratio: Math.round((median(s.cluster) / median(s.direct)) * 100) / 100,
    pairedRatio: { median: Math.round(median(ratios) * 100) / 100, min: Math.round(Math.min(...ratios) * 100) / 100, max: Math.round(Math.max(...ratios) * 100) / 100 },
    loadAvg1m: { min: Math.min(...s.load), max: Math.max(...s.load) },
  };
}

export async function benchClusterWorkloads(): Promise<void> {
  const cluster: LocalCluster = await startLocalCluster({ nodes: NODES, subnet: SUBNET, name: 'bench-workloads' });
  const engines: Engine[] = [...cluster.engines].map(([name, docker]) => ({ name, docker, dns: cluster.nodeIps.get(name)! }));
  const series = { pods: { cluster: [], direct: [], load: [] }, daemonSet: { cluster: [], direct: [], load: [] }, job: { cluster: [], direct: [], load: [] } } as Record<string, Series>;
  const spread: Record<string, number>[] = [];
  const milestones: Partial<Milestones>[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      series.pods!.load.push(loadavg()[0]!);
      series.pods!.direct.push(await directPodsRound(engines));
      const pods = await podsRound(cluster.client, round);
      series.pods!.cluster.push(pods.ms);
      spread.push(pods.perNode);
      milestones.push(pods.milestones);
      series.daemonSet!.load.push(loadavg()[0]!);
      series.daemonSet!.direct.push(await directDaemonRound(engines));
      series.daemonSet!.cluster.push(await daemonSetRound(cluster.client, round));
      series.job!.load.push(loadavg()[0]!);
      series.job!.direct.push(await directJobRound(engines));
      series.job!.cluster.push(await jobRound(cluster.client, round));
      process.stderr.write(`round ${round + 1}/${ROUNDS}: ${JSON.stringify({ pods: series.pods!.cluster[round], podsDirect: series.pods!.direct[round], perNode: pods.perNode, milestones: pods.milestones })}\n`);
    }
    printResult('cluster-pod-startup', { pods: PODS, nodes: NODES, ...summary(series.pods!), podsPerNode: spread, milestonesMs: milestones });
    printResult('cluster-daemonset', { nodes: NODES, ...summary(series.daemonSet!) });
    printResult('cluster-job', { completions: JOB_COMPLETIONS, parallelism: JOB_PARALLELISM, ...summary(series.job!) });
  } finally {
    await removeDirect(engines).catch(() => undefined);
    cluster.down();
  }
}
