import Docker from 'dockerode';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { openSync, readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureKubeletServingCert } from '../../cli/up/cluster-files.js';
import type { Pod } from '../../lib/api/generated/index.js';
import type { ApiClient } from '../../lib/client/client.js';
import { projectRoot } from '../../lib/paths.js';
import { bridgeGateway } from '../../services/kubelet/bridge-gateway.js';
import { containerCreateOptions, sandboxCreateOptions } from '../../services/kubelet/runtime/container-config.js';
import { DEFAULT_PAUSE_IMAGE, DEFAULT_POD_NETWORK } from '../../services/kubelet/runtime/docker-runtime.js';
import { LABEL_NODE } from '../../services/kubelet/runtime/labels.js';
import { podQOSClass } from '../../services/kubelet/runtime/qos.js';
import { oomScoreFloor } from '../../services/kubelet/runtime/resources.js';
import { mountPointsUnder, unmount } from '../../services/kubelet/runtime/volumes/mounts.js';
import { startBenchCluster, type BenchCluster } from '../harness/cluster.js';
import { printResult } from '../harness/report.js';
import { summarize } from '../harness/stats.js';
import { freePort } from '../../test/harness/ports.js';

// Pod startup on one node: from the API create to status Running seen through a watch, with the
// real kubelet (its own process) on real Docker, for 1, 10 and 100 pods created at once. In the
// same run, bare Docker does the same work at the same concurrency through dockerode: the pause
// container, then the app container joined to its network and IPC namespaces, with the very create
// options the kubelet uses. Rounds of both alternate, and every container is removed between
// rounds. CPU time of the kubelet and apiserver processes is reported per pod. The graceful delete
// of the same pods is timed too: from the delete call to the object's DELETED event on a watch
// (SIGTERM ends busybox's sleep, so it should not wait out any of the 30-second grace period).

const SIZES = (process.env.BENCH_KUBELET_SIZES ?? '1,10,100').split(',').map(Number);
/** Rounds per size: enough that every size has about this many samples, and at least MIN_ROUNDS. */
const MIN_SAMPLES = Number(process.env.BENCH_KUBELET_SAMPLES ?? 20);
/** The machine's load drifts between rounds: the median of paired-round ratios needs a few pairs. */
const MIN_ROUNDS = Number(process.env.BENCH_KUBELET_MIN_ROUNDS ?? 3);
const ROUND_TIMEOUT_MS = 180_000;
const IMAGE = 'kubets/busybox:1.36';
const COMMAND = ['sleep', '3600'];
const TARGET_RATIO = 1.3;
const GRACEFUL_DELETE_TARGET_MS = 1000;

interface Samples {
  baseline: number[];
  kubelet: number[];
  deletes: number[];
}

export async function benchKubeletStartup(): Promise<void> {
  const docker = new Docker();
  await ensureImages(docker);
  const nodeName = `bench-kubelet-${randomBytes(3).toString('hex')}`;
  const baselineNode = `${nodeName}-baseline`;
  const cluster = await startBenchCluster({ nodes: [nodeName] });
  const dir = dirname(cluster.adminConfig);
  let kubelet: ChildProcess | undefined;
  try {
    const client = await cluster.client({ deadlineMs: 60_000 });
    kubelet = await startKubelet(cluster, dir, nodeName, docker);
    await waitForNode(client, nodeName, kubelet, dir);
    const dns = await bridgeGateway(docker);
    for (const size of SIZES) {
      const rounds = Math.max(MIN_ROUNDS, Math.ceil(MIN_SAMPLES / size));
      const samples: Samples = { baseline: [], kubelet: [], deletes: [] };
      const pairedRatios: number[] = [];
      let kubeletCpuMs = 0;
      let apiserverCpuMs = 0;
      for (let round = 0; round < rounds; round++) {
        const bare = await bareDockerRound(docker, baselineNode, dns, size, round);
        await removeContainers(docker, baselineNode);
        const before = { kubelet: cpuMs(kubelet.pid), apiserver: cpuMs(cluster.apiserver.pid) };
        const viaApi = await kubeletRound(client, docker, nodeName, size, round);
        kubeletCpuMs += cpuMs(kubelet.pid) - before.kubelet;
        apiserverCpuMs += cpuMs(cluster.apiserver.pid) - before.apiserver;
        samples.baseline.push(...bare);
        samples.kubelet.push(...viaApi.startups);
        samples.deletes.push(...viaApi.deletes);
        pairedRatios.push(summarize(viaApi.startups).p50 / summarize(bare).p50);
      }
      const baseline = summarize(samples.baseline);
      const viaKubelet = summarize(samples.kubelet);
      const deletes = summarize(samples.deletes);
      printResult('kubelet-startup', {
        pods: size,
        rounds,
        baselineMs: { p50: round1(baseline.p50), p99: round1(baseline.p99) },
        kubeletMs: { p50: round1(viaKubelet.p50), p99: round1(viaKubelet.p99) },
        ratioP50: Number((viaKubelet.p50 / baseline.p50).toFixed(2)),
        ratioP99: Number((viaKubelet.p99 / baseline.p99).toFixed(2)),
        // Each kubelet round against the bare-Docker round just before it, so load drift between
        // rounds cancels out; the median over the pairs.
        pairedRatioP50: Number(summarize(pairedRatios).p50.toFixed(2)),
        targetRatioP50: TARGET_RATIO,
        gracefulDeleteMs: { p50: round1(deletes.p50), p99: round1(deletes.p99) },
        gracefulDeleteTargetP50Ms: GRACEFUL_DELETE_TARGET_MS,
        // Start and delete of every pod, over all rounds.
        kubeletCpuMsPerPod: round1(kubeletCpuMs / (rounds * size)),
        apiserverCpuMsPerPod: round1(apiserverCpuMs / (rounds * size)),
      });
    }
  } finally {
    if (kubelet && kubelet.exitCode === null) {
      kubelet.kill('SIGTERM');
      await new Promise((r) => (kubelet?.exitCode !== null ? r(null) : kubelet.once('exit', r)));
    }
    await removeContainers(docker, nodeName);
    await removeContainers(docker, baselineNode);
    for (const mountPoint of await mountPointsUnder(join(dir, 'kubelet-root'))) await unmount(mountPoint).catch(() => undefined);
    await cluster.stop();
  }
}

/** User plus system CPU time of a process so far, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

function round1(ms: number): number {
  return Number(ms.toFixed(1));
}

async function ensureImages(docker: Docker): Promise<void> {
  const images = await docker.listImages({ filters: { reference: [DEFAULT_PAUSE_IMAGE, IMAGE] } });
  if (images.length < 2) execFileSync(join(projectRoot, 'scripts/build-images'), { stdio: 'inherit' });
}

/** The built CLI's kubelet, with a serving certificate from the bench cluster's CA. */
async function startKubelet(cluster: BenchCluster, dir: string, nodeName: string, docker: Docker): Promise<ChildProcess> {
  const cert = await ensureKubeletServingCert({ pkiDir: join(dir, 'pki') }, { nodeName, nodeIP: '127.0.0.1' });
  const log = openSync(join(dir, 'kubelet.log'), 'a');
  return spawn(
    process.execPath,
    [
      // e.g. BENCH_KUBELET_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the kubelet.
      ...(process.env.BENCH_KUBELET_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      join(projectRoot, 'dist/cli/main.js'), 'kubelet',
      '--node-name', nodeName,
      '--kubeconfig', cluster.kubeletConfigs[nodeName]!,
      '--port', String(await freePort()),
      '--node-ip', '127.0.0.1',
      '--root-dir', join(dir, 'kubelet-root'),
      '--cluster-dns', await bridgeGateway(docker),
      '--tls-cert-file', cert.certFile,
      '--tls-private-key-file', cert.keyFile,
      '--client-ca-file', join(dir, 'pki', 'ca.crt'),
    ],
    { stdio: ['ignore', log, log], env: { ...process.env, KUBETS_LOG_LEVEL: 'warn' } },
  );
}

async function waitForNode(client: ApiClient, nodeName: string, kubelet: ChildProcess, dir: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (kubelet.exitCode !== null) throw new Error(`kubelet exited: ${readFileSync(join(dir, 'kubelet.log'), 'utf8').slice(-2000)}`);
    const node = await client.resource('node').get('', nodeName).catch(() => undefined);
    if (node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`node ${nodeName} did not become Ready`);
}

/**
 * Creates `size` pods at once; each startup sample runs from its create call to the watch showing
 * it Running. Then deletes them at once; each delete sample runs from its delete call to the watch
 * showing the object gone (the kubelet stopped its containers and finished the graceful delete).
 */
async function kubeletRound(client: ApiClient, docker: Docker, nodeName: string, size: number, round: number): Promise<{ startups: number[]; deletes: number[] }> {
  const pods = client.resource('pod');
  const names = Array.from({ length: size }, (_, i) => `startup-${size}-${round}-${i}`);
  const started = new Map<string, number>();
  const running = new Map<string, number>();
  const abort = new AbortController();
  const { resourceVersion } = await pods.list('default', { fieldSelector: `spec.nodeName=${nodeName}`, limit: 1 });
  let allRunning!: () => void;
  const done = new Promise<void>((resolve) => (allRunning = resolve));
  const watching = (async () => {
    for await (const event of pods.watch('default', { fieldSelector: `spec.nodeName=${nodeName}`, resourceVersion, signal: abort.signal })) {
      const name = event.object.metadata?.name ?? '';
      if (running.has(name) || !started.has(name) || !isRunning(event.object)) continue;
      running.set(name, performance.now());
      if (running.size === size) allRunning();
    }
  })().catch((err: unknown) => {
    if (!abort.signal.aborted) throw err;
  });
  await Promise.all(
    names.map(async (name) => {
      started.set(name, performance.now());
      await pods.create(benchPod(name, nodeName));
    }),
  );
  const timer = setTimeout(() => abort.abort(), ROUND_TIMEOUT_MS);
  await Promise.race([done, watching]);
  clearTimeout(timer);
  abort.abort();
  await watching;
  if (running.size < size) throw new Error(`only ${running.size} of ${size} pods became Running within ${ROUND_TIMEOUT_MS / 1000} s`);
  const startups = names.map((name) => running.get(name)! - started.get(name)!);
  const deletes = await timeDeletes(client, nodeName, names);
  await until('kubelet containers removed', async () => (await nodeContainers(docker, nodeName)).length === 0);
  return { startups, deletes };
}

/** Deletes the pods at once; each sample runs from its delete call to its DELETED event on a watch. */
async function timeDeletes(client: ApiClient, nodeName: string, names: string[]): Promise<number[]> {
  const pods = client.resource('pod');
  const asked = new Map<string, number>();
  const gone = new Map<string, number>();
  const abort = new AbortController();
  const { resourceVersion } = await pods.list('default', { fieldSelector: `spec.nodeName=${nodeName}`, limit: 1 });
  let allGone!: () => void;
  const done = new Promise<void>((resolve) => (allGone = resolve));
  const watching = (async () => {
    for await (const event of pods.watch('default', { fieldSelector: `spec.nodeName=${nodeName}`, resourceVersion, signal: abort.signal })) {
      const name = event.object.metadata?.name ?? '';
      if (event.type !== 'DELETED' || !asked.has(name)) continue;
      gone.set(name, performance.now());
      if (gone.size === names.length) allGone();
    }
  })().catch((err: unknown) => {
    if (!abort.signal.aborted) throw err;
  });
  await Promise.all(
    names.map(async (name) => {
      asked.set(name, performance.now());
      await pods.delete('default', name);
    }),
  );
  const timer = setTimeout(() => abort.abort(), ROUND_TIMEOUT_MS);
  await Promise.race([done, watching]);
  clearTimeout(timer);
  abort.abort();
  await watching;
  if (gone.size < names.length) throw new Error(`only ${gone.size} of ${names.length} pods were deleted within ${ROUND_TIMEOUT_MS / 1000} s`);
  return names.map((name) => gone.get(name)! - asked.get(name)!);
}

function isRunning(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && (pod.status.containerStatuses ?? []).every((c) => c.state?.running);
}

function benchPod(name: string, nodeName: string): Pod {
  return {
    metadata: { name, namespace: 'default', labels: { bench: 'startup' } },
    spec: { nodeName, containers: [{ name: 'app', image: IMAGE, command: COMMAND }] },
  };
}

/**
 * The same containers the kubelet makes for a pod (the same create options: pause with the pod's
 * DNS, app joined to its namespaces), made directly through dockerode, `size` at once.
 */
async function bareDockerRound(docker: Docker, nodeName: string, dns: string, size: number, round: number): Promise<number[]> {
  const minOomScoreAdj = oomScoreFloor();
  return Promise.all(
    Array.from({ length: size }, async (_, i) => {
      const pod: Pod = { ...benchPod(`baseline-${size}-${round}-${i}`, nodeName), metadata: { name: `baseline-${size}-${round}-${i}`, namespace: 'default', uid: randomUUID() } };
      const container = pod.spec?.containers?.[0] ?? {};
      const t0 = performance.now();
      const pause = await docker.createContainer(
        sandboxCreateOptions({ pod, attempt: 0, owner: { nodeName }, dns: { clusterDNS: [dns], clusterDomain: 'cluster.local' }, pauseImage: DEFAULT_PAUSE_IMAGE, network: DEFAULT_POD_NETWORK, minOomScoreAdj }),
      );
      await pause.start();
      const app = await docker.createContainer(
        containerCreateOptions({
          pod,
          container,
          init: false,
          restartCount: 0,
          sandboxId: pause.id,
          options: { env: [], mounts: [], command: COMMAND, args: [] },
          owner: { nodeName },
          qos: podQOSClass(pod),
          nodeMemoryBytes: totalmem(),
          minOomScoreAdj,
        }),
      );
      await app.start();
      return performance.now() - t0;
    }),
  );
}

async function nodeContainers(docker: Docker, nodeName: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${LABEL_NODE}=${nodeName}`] } });
}

async function removeContainers(docker: Docker, nodeName: string): Promise<void> {
  const containers = await nodeContainers(docker, nodeName);
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ROUND_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
