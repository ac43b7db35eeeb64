import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Node, Pod } from '../../lib/api/generated/index.js';
import type { ApiClient } from '../../lib/client/client.js';
import { projectRoot } from '../../lib/paths.js';
import { startBenchCluster, type BenchCluster } from '../harness/cluster.js';
import { printResult } from '../harness/report.js';
import { cpuSeconds, peakRssMiB, rssMiB, runConcurrent, summarize } from '../harness/stats.js';

// The whole scheduling path: etcd, the built apiserver and the built scheduler, each its own
// process, with hollow Node objects (no kubelets). Pods are created 100 at a time while the
// scheduler runs; a watch in this process sees each binding. Figures: pods/s from the first
// create sent to the last binding seen, latency from a pod's create sent to its binding seen,
// the scheduler's RSS, and the CPU time each process spent during the run.

const NAMESPACE = 'default';
const CREATE_CONCURRENCY = Number(process.env.BENCH_SCHED_CREATE_CONCURRENCY ?? 100);
const SCENARIOS: Array<{ nodes: number; pods: number }> = process.env.BENCH_SCHED_SCENARIOS
  ? process.env.BENCH_SCHED_SCENARIOS.split(',').map((s) => {
      const [nodes, pods] = s.split('x').map(Number);
      return { nodes: nodes!, pods: pods! };
    })
  : [
      { nodes: 1000, pods: 5000 },
      { nodes: 5000, pods: 10_000 },
    ];

function hollowNode(i: number): Node {
  const name = `hollow-${i}`;
  const resources = { cpu: '32', memory: '128Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % 3}` } },
    spec: {},
    status: { capacity: resources, allocatable: resources, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] },
  };
}

function benchPod(name: string, i: number): Pod {
  return {
    metadata: { name, namespace: NAMESPACE, labels: { app: `app-${i % 50}` } },
    spec: {
      containers: [{ name: 'c', image: 'kubets/pause:3.9', resources: { requests: { cpu: `${100 + (i % 5) * 100}m`, memory: `${128 * (1 + (i % 4))}Mi` } } }],
    },
  };
}

/** The built scheduler as its own process, against the bench cluster. */
function startScheduler(cluster: BenchCluster): { child: ChildProcess; logFile: string } {
  const logFile = join(tmpdir(), `kubets-bench-scheduler-${process.pid}-${Date.now()}.log`);
  const log = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [join(projectRoot, 'dist/cli/main.js'), 'scheduler', '--kubeconfig', cluster.adminConfig, '--leader-elect=false'],
    { stdio: ['ignore', log, log], env: { ...process.env, KUBETS_LOG_LEVEL: 'warn' } },
  );
  return { child, logFile };
}

/** Resolves with the time each named pod was first seen bound, once all are. */
function watchBindings(client: ApiClient, names: Set<string>, resourceVersion: string, timeoutMs: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  return (async () => {
    try {
      for await (const ev of client.resource('pod').watch(NAMESPACE, { resourceVersion, signal: abort.signal })) {
        const name = ev.object.metadata?.name ?? '';
        if (ev.object.spec?.nodeName && names.has(name) && !seen.has(name)) {
          seen.set(name, performance.now());
          if (seen.size === names.size) break;
        }
      }
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
    if (seen.size < names.size) throw new Error(`only ${seen.size}/${names.size} pods bound within ${timeoutMs / 1000}s`);
    return seen;
  })();
}

async function waitBound(client: ApiClient, name: string, timeoutMs: number, scheduler: ChildProcess, logFile: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (scheduler.exitCode !== null) throw new Error(`scheduler exited: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
    if ((await client.resource('pod').get(NAMESPACE, name)).spec?.nodeName) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} not bound within ${timeoutMs / 1000}s`);
}

async function runScenario(nodes: number, pods: number): Promise<void> {
  const cluster = await startBenchCluster();
  let scheduler: ChildProcess | undefined;
  try {
    const client = await cluster.client();
    const watcher = await cluster.client();
    await runConcurrent(nodes, CREATE_CONCURRENCY, async (i) => {
      await client.resource('node').create(hollowNode(i));
    });
    const started = startScheduler(cluster);
    scheduler = started.child;
    // A first pod proves the scheduler has synced its informers and is scheduling.
    await client.resource('pod').create(benchPod('warmup', 0));
    await waitBound(client, 'warmup', 60_000, scheduler, started.logFile);

    const names = Array.from({ length: pods }, (_, i) => `pod-${i}`);
    const rv = (await client.resource('pod').list(NAMESPACE, { limit: 1 })).resourceVersion;
    const bound = watchBindings(watcher, new Set(names), rv, Math.max(120_000, pods * 20));
    const pids = { apiserver: cluster.apiserver.pid!, scheduler: scheduler.pid!, etcd: cluster.etcd.process.pid! };
    const cpuBefore = { apiserver: cpuSeconds(pids.apiserver), scheduler: cpuSeconds(pids.scheduler), etcd: cpuSeconds(pids.etcd), bench: process.cpuUsage() };
    const sentAt = new Array<number>(pods);
    let maxRss = rssMiB(pids.scheduler);
    const sampler = setInterval(() => (maxRss = Math.max(maxRss, rssMiB(pids.scheduler))), 250);

    const start = performance.now();
    let createsDone = 0;
    await runConcurrent(pods, CREATE_CONCURRENCY, async (i) => {
      sentAt[i] = performance.now();
      await client.resource('pod').create(benchPod(names[i]!, i));
      createsDone = performance.now();
    });
    const seen = await bound;
    const end = Math.max(...seen.values());
    clearInterval(sampler);

    const benchCpu = process.cpuUsage(cpuBefore.bench);
    const cpu = {
      apiserver: cpuSeconds(pids.apiserver) - cpuBefore.apiserver,
      scheduler: cpuSeconds(pids.scheduler) - cpuBefore.scheduler,
      etcd: cpuSeconds(pids.etcd) - cpuBefore.etcd,
      benchClient: (benchCpu.user + benchCpu.system) / 1e6,
    };
    const totalCpu = cpu.apiserver + cpu.scheduler + cpu.etcd + cpu.benchClient;
    const latencies = names.map((n, i) => (seen.get(n) as number) - (sentAt[i] as number));
    const lat = summarize(latencies);
    const wallS = (end - start) / 1000;
    const share = (s: number): number => Number(((s / totalCpu) * 100).toFixed(1));
    printResult('scheduler-api', {
      nodes,
      pods,
      createConcurrency: CREATE_CONCURRENCY,
      mode: 'pods created while the scheduler runs',
      podsPerSec: Math.round(pods / wallS),
      createsPerSec: Math.round(pods / ((createsDone - start) / 1000)),
      wallS: Number(wallS.toFixed(2)),
      latencyP50Ms: Math.round(lat.p50),
      latencyP99Ms: Math.round(lat.p99),
      latencyMaxMs: Math.round(lat.max),
      schedulerRssMiB: Number(rssMiB(pids.scheduler).toFixed(1)),
      schedulerMaxRssMiB: Number(Math.max(maxRss, peakRssMiB(pids.scheduler)).toFixed(1)),
      cpuSeconds: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, Number(v.toFixed(2))])),
      cpuSharePct: { apiserver: share(cpu.apiserver), scheduler: share(cpu.scheduler), etcd: share(cpu.etcd), benchClient: share(cpu.benchClient) },
      target: { podsPerSec: 450 },
    });
  } finally {
    if (scheduler && scheduler.exitCode === null) {
      const exited = new Promise((r) => scheduler!.once('exit', r));
      scheduler.kill('SIGTERM');
      await exited;
    }
    await cluster.stop();
  }
}

export async function benchSchedulerApi(): Promise<void> {
  for (const { nodes, pods } of SCENARIOS) await runScenario(nodes, pods);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchSchedulerApi();
  process.exit(0);
}
