import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Node, Pod } from '../../lib/api/generated/index.js';
import { Scheduler } from '../../services/scheduler/scheduler.js';
import { printResult } from '../harness/report.js';

// The pure scheduling cycle, in process: 5,000 hollow nodes, 10,000 pods, bindings that succeed
// at once and come back as informer updates. No apiserver, so this is the scheduler's own ceiling
// (the apiserver benchmark in bench/scheduler measures the whole path).

const NODES = Number(process.env.BENCH_SCHED_NODES ?? 5000);
const PODS = Number(process.env.BENCH_SCHED_PODS ?? 10_000);
/** Share of pods with a zone spread constraint, to exercise the heavier plugins too. */
const SPREAD_SHARE = Number(process.env.BENCH_SCHED_SPREAD_SHARE ?? 0);
/** Bindings land in batches, as watch events do. */
const SETTLE_EVERY = 100;

function hollowNode(i: number): Node {
  const name = `node-${i}`;
  return {
    metadata: {
      name,
      uid: `uid-${name}`,
      labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % 3}`, 'node.kubernetes.io/instance-type': 'hollow' },
    },
    spec: {},
    status: {
      capacity: { cpu: '32', memory: '128Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      allocatable: { cpu: '32', memory: '128Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

function pendingPod(i: number): Pod {
  const name = `pod-${i}`;
  const spread = i < PODS * SPREAD_SHARE;
  return {
    metadata: { name, namespace: 'bench', uid: `uid-${name}`, labels: { app: `app-${i % 50}` }, creationTimestamp: new Date(1_700_000_000_000 + i).toISOString() },
    spec: {
      schedulerName: 'default-scheduler',
      containers: [
        {
          name: 'c',
          image: 'registry.local/app:v1',
          resources: { requests: { cpu: `${100 + (i % 5) * 100}m`, memory: `${128 * (1 + (i % 4))}Mi` } },
        },
      ],
      ...(spread
        ? {
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: `app-${i % 50}` } } },
            ],
          }
        : {}),
    },
    status: { phase: 'Pending' },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function benchSchedulerCycle(): Promise<void> {
  const pods = new Map<string, Pod>();
  let scheduler: Scheduler | undefined;
  const s = new Scheduler({
    async bind(pod, nodeName) {
      const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
      const current = pods.get(key) as Pod;
      const bound: Pod = { ...current, spec: { ...current.spec, nodeName } };
      pods.set(key, bound);
      scheduler?.onPodUpdate(current, bound);
    },
    recordEvent() {},
    async updatePodCondition() {},
    async deletePod() {},
    now: () => Date.now(),
  });
  scheduler = s;

  for (let i = 0; i < NODES; i++) s.onNodeAdd(hollowNode(i));
  for (let i = 0; i < PODS; i++) {
    const p = pendingPod(i);
    pods.set(`bench/${p.metadata?.name}`, p);
    s.onPodAdd(p);
  }

  const rssBefore = process.memoryUsage().rss;
  const latencies: number[] = [];
  let scheduled = 0;
  let failed = 0;
  let cycleMs = 0;
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  for (let i = 0; i < PODS * 3 && scheduled < PODS; i++) {
    const t0 = performance.now();
    const outcome = s.scheduleNext();
    const dt = performance.now() - t0;
    if (!outcome) {
      await s.settle();
      if (s.queue.activeCount === 0) break;
      continue;
    }
    cycleMs += dt;
    latencies.push(dt);
    if (outcome.result === 'scheduled') scheduled++;
    else failed++;
    if (i % SETTLE_EVERY === 0) await s.settle();
  }
  await s.settle();
  const wallMs = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  // CPU time, unlike wall time, is not inflated by other processes on a busy machine.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  latencies.sort((a, b) => a - b);

  printResult('scheduler-cycle', {
    nodes: NODES,
    pods: PODS,
    spreadShare: SPREAD_SHARE,
    scheduled,
    failedAttempts: failed,
    cyclePodsPerSec: Math.round((scheduled / cycleMs) * 1000),
    wallPodsPerSec: Math.round((scheduled / wallMs) * 1000),
    cpuPodsPerSec: Math.round((scheduled / cpuMs) * 1000),
    cycleP50Ms: Number(percentile(latencies, 50).toFixed(3)),
    cycleP99Ms: Number(percentile(latencies, 99).toFixed(3)),
    rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
    rssGrowthMB: Math.round((process.memoryUsage().rss - rssBefore) / 2 ** 20),
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchSchedulerCycle();
}
