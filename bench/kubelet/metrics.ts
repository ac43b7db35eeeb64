import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DEFAULT_PAUSE_IMAGE, DockerRuntime } from '../../services/kubelet/runtime/docker-runtime.js';
import { containerLabels, LABEL_NODE } from '../../services/kubelet/runtime/labels.js';
import { StatsCollector } from '../../services/kubelet/stats/index.js';
import { printResult } from '../harness/report.js';
import { runConcurrent } from '../harness/stats.js';

// The kubelet's CPU cost of sampling resource metrics: 100 pause containers, labelled as the app
// containers of 100 pods of a node of this run's own, sampled by the kubelet's StatsCollector as
// it runs every --stats-interval (one container listing from Docker, then cgroup files per
// container). Reported per sampling pass, as CPU time of this process (the collector runs in it,
// as in the kubelet) and wall time, for RUNS runs of PASSES passes after a warm-up pass (which
// locates every container's cgroup once). Every container is removed at the end, also on failure.

const PODS = Number(process.env.BENCH_METRICS_PODS ?? 100);
const RUNS = 3;
const PASSES = Number(process.env.BENCH_METRICS_PASSES ?? 20);
const CREATE_CONCURRENCY = 5;
const DEFAULT_INTERVAL_S = 10;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[]): [number, number] => [Math.min(...xs), Math.max(...xs)];
const round = (x: number): number => Math.round(x * 100) / 100;

async function createPods(docker: Docker, nodeName: string): Promise<void> {
  await runConcurrent(PODS, CREATE_CONCURRENCY, async (i) => {
    const pod = { uid: `${nodeName}-uid-${i}`, name: `pod-${i}`, namespace: 'bench' };
    const labels = containerLabels({ pod, containerName: 'app', owner: { nodeName }, restartCount: 0, hash: '0', gracePeriodSeconds: 0, type: 'app' });
    const container = await docker.createContainer({ Image: DEFAULT_PAUSE_IMAGE, name: `${nodeName}-${i}`, Labels: labels, HostConfig: { NetworkMode: 'none' } });
    await container.start();
  });
}

async function removePods(docker: Docker, nodeName: string): Promise<void> {
  const mine = await docker.listContainers({ all: true, filters: { label: [`${LABEL_NODE}=${nodeName}`] } });
  await runConcurrent(mine.length, CREATE_CONCURRENCY, async (i) => {
    await docker.getContainer(mine[i]!.Id).remove({ force: true });
  });
}

/** CPU and wall milliseconds per call of `pass`, over PASSES calls. */
async function measure(pass: () => Promise<unknown>): Promise<{ cpuMs: number; wallMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < PASSES; i++) await pass();
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000 / PASSES, wallMs: (performance.now() - start) / PASSES };
}

export async function benchKubeletMetrics(): Promise<void> {
  const docker = new Docker();
  const nodeName = `bench-metrics-${randomBytes(3).toString('hex')}`;
  try {
    await createPods(docker, nodeName);
    const runtime = new DockerRuntime({ nodeName, docker, dns: { clusterDNS: ['127.0.0.1'], clusterDomain: 'cluster.local' } });
    const collector = new StatsCollector({ nodeName, runtime, intervalMs: DEFAULT_INTERVAL_S * 1000 });
    await collector.sample();
    await collector.sample();
    const measured = collector.summary().pods?.length ?? 0;
    if (measured !== PODS) throw new Error(`the collector measured ${measured} pods, expected ${PODS}`);
    const sampling: number[] = [];
    const samplingWall: number[] = [];
    const listing: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const pass = await measure(() => collector.sample());
      const list = await measure(() => runtime.listPods());
      sampling.push(pass.cpuMs);
      samplingWall.push(pass.wallMs);
      listing.push(list.cpuMs);
    }
    printResult('kubelet-metrics', {
      pods: PODS,
      runs: RUNS,
      passesPerRun: PASSES,
      loadAverage: loadavg().map(round),
      cpuMsPerPass: { median: round(median(sampling)), range: range(sampling).map(round) },
      wallMsPerPass: { median: round(median(samplingWall)), range: range(samplingWall).map(round) },
      listingCpuMsPerPass: { median: round(median(listing)), range: range(listing).map(round) },
      cpuShareAtDefaultInterval: `${round(median(sampling) / (DEFAULT_INTERVAL_S * 10))}%`,
    });
  } finally {
    await removePods(docker, nodeName);
  }
}
