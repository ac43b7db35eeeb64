import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Node, Pod } from '../../lib/api/generated/index.js';
import { isApiError } from '../../lib/api/errors.js';
import type { ApiClient } from '../../lib/client/client.js';
import { projectRoot } from '../../lib/paths.js';
import { createDefaultServiceAccount, startBenchCluster, type BenchCluster } from '../harness/cluster.js';
import { printResult } from '../harness/report.js';
import { cpuSeconds, peakRssMiB, rssMiB, runConcurrent, summarize } from '../harness/stats.js';
import { epochNow, watchBindings, type Sightings } from './sightings.js';

// The whole scheduling path: etcd, the built apiserver and the built scheduler, each its own
// process, with hollow Node objects (no kubelets). Pods are created 100 at a time, while the
// scheduler runs or before it starts; a watch in this process sees each binding. Figures: pods/s
// up to the last binding seen, latency from a pod's create sent to its binding seen, the
// scheduler's RSS, and the CPU time each process spent during the run. With
// BENCH_SCHED_SEPARATE_WATCHER=1 a second watch runs in a process of its own, to tell how much of
// a late sighting is this process's event loop being busy with its creates.

const NAMESPACE = 'default';
const CREATE_CONCURRENCY = Number(process.env.BENCH_SCHED_CREATE_CONCURRENCY ?? 100);
const SEPARATE_WATCHER = process.env.BENCH_SCHED_SEPARATE_WATCHER === '1';
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

/** The built scheduler as its own process, against the bench cluster; without a metrics endpoint, whose fixed port another run on the machine may hold. */
function startScheduler(cluster: BenchCluster): { child: ChildProcess; logFile: string } {
  const logFile = join(tmpdir(), `kubets-bench-scheduler-${process.pid}-${Date.now()}.log`);
  const log = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_SCHEDULER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), join(projectRoot, 'dist/cli/main.js'), 'scheduler', '--kubeconfig', cluster.adminConfig, '--leader-elect=false', '--metrics-port=0'],
    { stdio: ['ignore', log, log], env: { ...process.env, KUBETS_LOG_LEVEL: 'warn' } },
  );
  return { child, logFile };
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

/** The bench's watch in its own process (sightings-process.ts); resolves once it is watching. */
async function startSeparateWatcher(cluster: BenchCluster, names: string[], resourceVersion: string, timeoutMs: number): Promise<{ sightings: Promise<Sightings>; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(projectRoot, 'dist/bench/scheduler/sightings-process.js'), cluster.adminConfig, NAMESPACE, resourceVersion, names.join(','), String(timeoutMs)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let watching!: () => void;
  const ready = new Promise<void>((r) => (watching = r));
  const sightings = new Promise<Sightings>((resolve, reject) => {
    child.on('message', (msg: 'watching' | { added: [string, number][]; bound: [string, number][] }) => {
      if (msg === 'watching') watching();
      else resolve({ added: new Map(msg.added), bound: new Map(msg.bound) });
    });
    child.on('exit', (code) => reject(new Error(`the separate watcher exited (${code}) before it saw every pod bound`)));
  });
  await Promise.race([ready, sightings]);
  return { sightings, child };
}

/** Scheduled events are written after their bindings: count them once the count stops growing. */
async function settledScheduledEvents(client: ApiClient): Promise<number> {
  let last = -1;
  for (let i = 0; i < 30; i++) {
    const count = (await client.resource('event').listAll(NAMESPACE)).items.filter((e) => e.reason === 'Scheduled').length;
    if (count === last) return count;
    last = count;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return last;
}

type Mode = 'concurrent' | 'paced' | 'precreated';

const MODES: Mode[] = process.env.BENCH_SCHED_MODE ? (process.env.BENCH_SCHED_MODE.split(',') as Mode[]) : ['concurrent', 'paced', 'precreated'];
/** Creates per second in the paced mode: below what the whole path sustains, so latency is not queueing. */
const PACE_PER_SEC = Number(process.env.BENCH_SCHED_PACE ?? 200);

const MODE_TEXT: Record<Mode, string> = {
  concurrent: 'pods created while the scheduler runs',
  paced: `pods created at ${PACE_PER_SEC}/s while the scheduler runs`,
  precreated: 'pods created before the scheduler starts',
};

/**
 * concurrent: the scheduler runs (a warm-up pod proves it synced), then pods are created as fast
 * as 100 in flight go; the clock starts at the first create, and latencies include the backlog.
 * paced: the same at a steady rate the path sustains, for latencies without a backlog.
 * precreated: all pods exist before the scheduler starts; the clock starts when its process is
 * spawned, so it includes listing them.
 */
async function runScenario(nodes: number, pods: number, mode: Mode): Promise<void> {
  const cluster = await startBenchCluster();
  let scheduler: ChildProcess | undefined;
  let separateWatcher: ChildProcess | undefined;
  try {
    const client = await cluster.client();
    const watcher = await cluster.client();
    await createDefaultServiceAccount(client, NAMESPACE);
    await runConcurrent(nodes, CREATE_CONCURRENCY, async (i) => {
      await client.resource('node').create(hollowNode(i));
    });
    const names = Array.from({ length: pods }, (_, i) => `pod-${i}`);
    const sentAt = new Array<number>(pods);
    const answeredAt = new Array<number>(pods);
    let createsAnsweredAlreadyExists = 0;
    let createsRetriedAfterTimeout = 0;
    let createsStart = 0;
    let createsEnd = 0;
    const createPods = async (): Promise<void> => {
      createsStart = epochNow();
      await runConcurrent(pods, CREATE_CONCURRENCY, async (i) => {
        const due = createsStart + (i * 1000) / PACE_PER_SEC;
        if (mode === 'paced' && due > epochNow()) await new Promise((r) => setTimeout(r, due - epochNow()));
        sentAt[i] = epochNow();
        for (let attempt = 1; ; attempt++) {
          try {
            await client.resource('pod').create(benchPod(names[i]!, i));
          } catch (err) {
            // On a machine loaded far past its cores etcd may not answer within the apiserver's
            // storage deadline: the create is sent again (counted), as a client retries a Timeout.
            if (isApiError(err, 'Timeout') && attempt < 3) {
              createsRetriedAfterTimeout++;
              continue;
            }
            // The apiserver's etcd client (or a retry above) may send a create's transaction again
            // after its first attempt went through: the pod is there all the same.
            if (!isApiError(err, 'AlreadyExists')) throw err;
            createsAnsweredAlreadyExists++;
          }
          break;
        }
        answeredAt[i] = epochNow();
      });
      createsEnd = epochNow();
    };
    const rv = (await client.resource('pod').list(NAMESPACE, { limit: 1 })).resourceVersion;
    // Generous: on a machine shared with other work a run takes several times its quiet duration.
    const watchTimeoutMs = Math.max(600_000, pods * 60);
    const bound = watchBindings(watcher, NAMESPACE, new Set(names), rv, watchTimeoutMs);
    // Awaited below; a failure before then (a create) is the one to report, not this watch ending with the cluster.
    bound.catch(() => undefined);
    const separate = SEPARATE_WATCHER ? await startSeparateWatcher(cluster, names, rv, watchTimeoutMs) : undefined;
    separateWatcher = separate?.child;
    separate?.sightings.catch(() => undefined);
    if (mode === 'precreated') await createPods();

    const cpuBefore = { apiserver: cpuSeconds(cluster.apiserver.pid!), etcd: cpuSeconds(cluster.etcd.process.pid!), bench: process.cpuUsage() };
    const loadBefore = loadavg()[0]!;
    const spawnedAt = epochNow();
    const started = startScheduler(cluster);
    scheduler = started.child;
    const pid = scheduler.pid!;
    let maxRss = 0;
    // Skipped once the scheduler has exited, so a failed run reports its own error.
    const sampler = setInterval(() => {
      if (started.child.exitCode === null) maxRss = Math.max(maxRss, rssMiB(pid));
    }, 250);
    const live = mode !== 'precreated';
    if (live) {
      await client.resource('pod').create(benchPod('warmup', 0));
      await waitBound(client, 'warmup', 60_000, scheduler, started.logFile);
    }
    // Measured from here: the scheduler's start-up is counted only when pods were waiting for it.
    const schedulerCpuBefore = live ? cpuSeconds(pid) : 0;
    if (live) {
      cpuBefore.apiserver = cpuSeconds(cluster.apiserver.pid!);
      cpuBefore.etcd = cpuSeconds(cluster.etcd.process.pid!);
      cpuBefore.bench = process.cpuUsage();
      await createPods();
    }
    const seen = await bound;
    const lastBound = Math.max(...seen.bound.values());
    const firstBound = Math.min(...seen.bound.values());
    clearInterval(sampler);

    const benchCpu = process.cpuUsage(cpuBefore.bench);
    const cpu = {
      apiserver: cpuSeconds(cluster.apiserver.pid!) - cpuBefore.apiserver,
      scheduler: cpuSeconds(pid) - schedulerCpuBefore,
      etcd: cpuSeconds(cluster.etcd.process.pid!) - cpuBefore.etcd,
      benchClient: (benchCpu.user + benchCpu.system) / 1e6,
    };
    const totalCpu = cpu.apiserver + cpu.scheduler + cpu.etcd + cpu.benchClient;
    const share = (x: number): number => Number(((x / totalCpu) * 100).toFixed(1));
    const start = live ? createsStart : spawnedAt;
    const wallS = (lastBound - start) / 1000;
    const scheduledEvents = await settledScheduledEvents(client);
    const result: Record<string, unknown> = {
      nodes,
      pods,
      mode: MODE_TEXT[mode],
      createConcurrency: CREATE_CONCURRENCY,
      podsPerSec: Math.round(pods / wallS),
      wallS: Number(wallS.toFixed(2)),
      createsPerSec: Math.round(pods / ((createsEnd - createsStart) / 1000)),
      createsAnsweredAlreadyExists,
      createsRetriedAfterTimeout,
    };
    if (live) {
      const lat = summarize(names.map((n, i) => (seen.bound.get(n) as number) - (sentAt[i] as number)));
      const toWatch = summarize(names.map((n, i) => (seen.added.get(n) as number) - (sentAt[i] as number)));
      const watchToBound = summarize(names.map((n) => (seen.bound.get(n) as number) - (seen.added.get(n) as number)));
      // Whether a late sighting is the create being slow or the watch lagging behind the write.
      const createCall = summarize(names.map((_, i) => (answeredAt[i] as number) - (sentAt[i] as number)));
      const answerToWatch = summarize(names.map((n, i) => (seen.added.get(n) as number) - (answeredAt[i] as number)));
      Object.assign(result, {
        latencyP50Ms: Math.round(lat.p50),
        latencyP99Ms: Math.round(lat.p99),
        latencyMaxMs: Math.round(lat.max),
        createToWatchP50Ms: Math.round(toWatch.p50),
        createToWatchP99Ms: Math.round(toWatch.p99),
        createCallP50Ms: Math.round(createCall.p50),
        createCallP99Ms: Math.round(createCall.p99),
        answerToWatchP50Ms: Math.round(answerToWatch.p50),
        answerToWatchP99Ms: Math.round(answerToWatch.p99),
        watchToBoundP50Ms: Math.round(watchToBound.p50),
        watchToBoundP99Ms: Math.round(watchToBound.p99),
      });
      if (separate) {
        const other = await separate.sightings;
        const toOther = summarize(names.map((n, i) => (other.added.get(n) as number) - (sentAt[i] as number)));
        const answerToOther = summarize(names.map((n, i) => (other.added.get(n) as number) - (answeredAt[i] as number)));
        Object.assign(result, {
          separateWatcher: {
            createToWatchP50Ms: Math.round(toOther.p50),
            createToWatchP99Ms: Math.round(toOther.p99),
            answerToWatchP50Ms: Math.round(answerToOther.p50),
            answerToWatchP99Ms: Math.round(answerToOther.p99),
          },
        });
      }
    } else {
      Object.assign(result, {
        firstBindingAfterSpawnS: Number(((firstBound - spawnedAt) / 1000).toFixed(2)),
        podsPerSecAfterFirstBinding: Math.round((pods - 1) / ((lastBound - firstBound) / 1000)),
      });
    }
    Object.assign(result, {
      scheduledEvents,
      schedulerRssMiB: Number(rssMiB(pid).toFixed(1)),
      schedulerMaxRssMiB: Number(Math.max(maxRss, peakRssMiB(pid)).toFixed(1)),
      cpuSeconds: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, Number(v.toFixed(2))])),
      // CPU time per pod survives a loaded machine far better than rates and latencies do.
      cpuMsPerPod: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, Number(((v * 1000) / pods).toFixed(2))])),
      cpuSharePct: { apiserver: share(cpu.apiserver), scheduler: share(cpu.scheduler), etcd: share(cpu.etcd), benchClient: share(cpu.benchClient) },
      // Other work on the machine slows every process here; wall-clock figures depend on it.
      loadAvg1m: { before: Number(loadBefore.toFixed(2)), after: Number(loadavg()[0]!.toFixed(2)) },
      target: { podsPerSec: 450 },
    });
    printResult('scheduler-api', result);
    // Kept when the run fails, for the reason.
    rmSync(started.logFile, { force: true });
  } finally {
    if (separateWatcher && separateWatcher.exitCode === null) separateWatcher.kill('SIGTERM');
    if (scheduler && scheduler.exitCode === null) {
      const exited = new Promise((r) => scheduler!.once('exit', r));
      scheduler.kill('SIGTERM');
      await exited;
    }
    await cluster.stop();
  }
}

export async function benchSchedulerApi(): Promise<void> {
  for (const { nodes, pods } of SCENARIOS) {
    for (const mode of MODES) await runScenario(nodes, pods, mode);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchSchedulerApi();
  process.exit(0);
}
