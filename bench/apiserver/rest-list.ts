import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { createDefaultServiceAccount, startBenchCluster, type BenchCluster } from '../harness/cluster.js';
import { printResult } from '../harness/report.js';
import { cpuSeconds, peakRssMiB, rssMiB, runConcurrent, summarize } from '../harness/stats.js';
import { samplePod } from './rss.js';

// The apiserver's memory and latency while HTTP clients list every pod of a large cluster at
// once (no limit: served from the watch cache), as JSON, as the Table kubectl asks for and in
// Kubernetes' protobuf: peak RSS in each phase (VmHWM, reset before it through
// /proc/<pid>/clear_refs) and RSS settled 5 s after, each list's time to its last byte and the
// apiserver's CPU time per list. Then the latency of many lists of a namespace with a few pods,
// which are sent whole as before.

const PODS = Number(process.env.BENCH_REST_LIST_PODS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_REST_LIST_ROUNDS ?? 5);
const CONCURRENT = 4;
const SMALL_PODS = 20;
const SMALL_LISTS = Number(process.env.BENCH_REST_LIST_SMALL ?? 500);
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const LIST_TIMEOUT_MS = 60_000;

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Lists every pod over HTTP, reading the body to its end; resolves with its time and size. */
function listPods(cluster: BenchCluster, agent: Agent, accept: string, namespace?: string): Promise<{ ms: number; bytes: number }> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request(`${cluster.rest.url}/api/v1/${namespace ? `namespaces/${namespace}/` : ''}pods`, { agent, timeout: LIST_TIMEOUT_MS, headers: { Authorization: `Bearer ${cluster.rest.token}`, Accept: accept } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`list: HTTP ${res.statusCode}`));
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, bytes }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('list timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** Runs one phase's lists and reads the apiserver's peak RSS over them and its RSS once settled. */
async function phase(pid: number, lists: () => Promise<{ ms: number; bytes: number }[]>) {
  // Writing 5 resets the peak (VmHWM) to the current RSS, so the peak read after is this phase's.
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
  const cpuBefore = cpuSeconds(pid);
  const results = await lists();
  const peak = peakRssMiB(pid);
  const cpuMsPerList = Math.round(((cpuSeconds(pid) - cpuBefore) * 1000) / results.length);
  await settle(5000);
  const s = summarize(results.map((r) => r.ms));
  return { lists: s.n, bytes: results[0]!.bytes, p50Ms: Math.round(s.p50), maxMs: Math.round(s.max), cpuMsPerList, peakRssMiB: +peak.toFixed(1), settledRssMiB: +rssMiB(pid).toFixed(1) };
}

async function sequential(n: number, list: () => Promise<{ ms: number; bytes: number }>): Promise<{ ms: number; bytes: number }[]> {
  const results = [];
  for (let i = 0; i < n; i++) results.push(await list());
  return results;
}

export async function benchRestList(): Promise<void> {
  const cluster = await startBenchCluster();
  try {
    const pid = cluster.apiserver.pid!;
    const client = await cluster.client();
    await createDefaultServiceAccount(client, 'default');
    const pods = client.resource('pod');
    await runConcurrent(PODS, 100, async (i) => {
      await pods.create(samplePod(i));
    });
    await settle(5000);
    const stored = rssMiB(pid);
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENT, ca: cluster.rest.caPem });
    const json = await phase(pid, () => sequential(ROUNDS, () => listPods(cluster, agent, 'application/json')));
    const table = await phase(pid, () => sequential(ROUNDS, () => listPods(cluster, agent, TABLE)));
    const protobuf = await phase(pid, () => sequential(ROUNDS, () => listPods(cluster, agent, PROTOBUF)));
    const concurrent = await phase(pid, () => Promise.all(Array.from({ length: CONCURRENT }, () => listPods(cluster, agent, 'application/json'))));
    await client.resource('namespace').create({ metadata: { name: 'small' } });
    await createDefaultServiceAccount(client, 'small');
    for (let i = 0; i < SMALL_PODS; i++) {
      const pod = samplePod(i);
      await pods.create({ ...pod, metadata: { ...pod.metadata, namespace: 'small' } });
    }
    const small = summarize((await sequential(SMALL_LISTS, () => listPods(cluster, agent, 'application/json', 'small'))).map((r) => r.ms));
    agent.destroy();
    printResult('apiserver-rest-list', {
      pods: PODS,
      rounds: ROUNDS,
      storedRssMiB: +stored.toFixed(1),
      json,
      table,
      protobuf,
      [`json${CONCURRENT}AtOnce`]: concurrent,
      [`small${SMALL_PODS}`]: { lists: small.n, p50Ms: +small.p50.toFixed(2), p90Ms: +small.p90.toFixed(2), p99Ms: +small.p99.toFixed(2) },
    });
  } finally {
    await cluster.stop();
  }
}
