import { loadavg } from 'node:os';
import type { ApiClient } from '../../lib/client/client.js';
import { createDefaultServiceAccount, startBenchCluster } from '../harness/cluster.js';
import { printResult } from '../harness/report.js';
import { runConcurrent } from '../harness/stats.js';
import { measure, type CpuUse } from './creates.js';

// What a PodDisruptionBudget adds to an eviction: running pods evicted from a namespace without a
// budget and from one whose budget allows every eviction (so each one reads the namespace's
// budgets and spends a disruption in the budget's status under a compare before the delete), on
// one apiserver, in alternating rounds so both see the same machine. Reported per round: evictions
// per second and the apiserver's CPU-seconds per 1,000 evictions, and the budgeted ÷ free ratios.
// Concurrency 1 gives the cost of one eviction; at 10, evictions under one budget contend for its
// resourceVersion, as those of a drain do.

const ROUNDS = Number(process.env.BENCH_EVICTION_ROUNDS ?? 3);
const PODS = Number(process.env.BENCH_EVICTIONS ?? 300);
const CONCURRENCIES = [1, 10];

type Mode = 'free' | 'budgeted';

async function runningPods(client: ApiClient, namespace: string, count: number): Promise<void> {
  const pods = client.resource('pod');
  await runConcurrent(count, 20, async (i) => {
    const pod = await pods.create({ metadata: { name: `p-${i}`, namespace, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'kubets/busybox:1.36' }] } });
    await pods.updateStatus({ ...pod, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
  });
}

/** A budget over the namespace's pods that allows more evictions than the round makes (no disruption controller runs here). */
async function generousBudget(client: ApiClient, namespace: string): Promise<void> {
  const budgets = client.resource('podDisruptionBudget');
  const pdb = await budgets.create({ metadata: { name: 'web', namespace }, spec: { minAvailable: { intVal: 0 }, selector: { matchLabels: { app: 'web' } } } });
  await budgets.updateStatus({ ...pdb, status: { observedGeneration: 1, disruptionsAllowed: PODS * 10, currentHealthy: PODS, desiredHealthy: 0, expectedPods: PODS } });
}

async function round(client: ApiClient, pid: number, mode: Mode, concurrency: number, n: number): Promise<CpuUse> {
  const namespace = `${mode}-${concurrency}-${n}`;
  await client.resource('namespace').create({ metadata: { name: namespace } });
  await createDefaultServiceAccount(client, namespace);
  await runningPods(client, namespace, PODS);
  if (mode === 'budgeted') await generousBudget(client, namespace);
  return measure({ apiserver: pid }, PODS, concurrency, (i) => client.evict(namespace, `p-${i}`));
}

export async function benchEvictionBudget(): Promise<void> {
  const cluster = await startBenchCluster();
  try {
    const client = await cluster.client();
    const pid = cluster.apiserver.pid!;
    await round(client, pid, 'free', 10, 0);
    await round(client, pid, 'budgeted', 10, 0);
    for (const concurrency of CONCURRENCIES) {
      for (let n = 1; n <= ROUNDS; n++) {
        const order: Mode[] = n % 2 === 1 ? ['free', 'budgeted'] : ['budgeted', 'free'];
        const uses = {} as Record<Mode, CpuUse>;
        const load = loadavg()[0]!;
        for (const mode of order) uses[mode] = await round(client, pid, mode, concurrency, n);
        printResult('apiserver-eviction-budget-round', {
          concurrency,
          round: n,
          loadAverage: Number(load.toFixed(1)),
          evictionsPerSec: { free: Math.round(uses.free.rate), budgeted: Math.round(uses.budgeted.rate) },
          apiserverCpuPer1000: { free: uses.free.cpuPer1000.apiserver, budgeted: uses.budgeted.cpuPer1000.apiserver },
          cpuRatio: Number((uses.budgeted.cpuPer1000.apiserver! / uses.free.cpuPer1000.apiserver!).toFixed(2)),
          rateRatio: Number((uses.budgeted.rate / uses.free.rate).toFixed(2)),
        });
      }
    }
  } finally {
    await cluster.stop();
  }
}
