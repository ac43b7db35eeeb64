import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../lib/paths.js';
import { holdHostNetwork } from '../../test/harness/host-network-lock.js';
import { pollUntil } from '../../test/harness/poll.js';
import { freeApiserverPort, freeEtcdPort, freeKubeletPort, freePort } from '../../test/harness/ports.js';
import { printResult } from '../harness/report.js';

// The add-ons on a real cluster (`kubets up --addons ingress,monitoring,logging` on its own data
// dir and ports): requests/s and latency of the same two pods reached through the ingress
// add-on's HAProxy (127.0.0.1 with a Host header) and directly by pod IP, one after the other in
// each run, and the resident memory of every add-on process (from /proc, the processes whose
// command line names this cluster's data dir) after each run, while a pod prints 50 lines a
// second for the log shipper. Three runs by default (BENCH_ADDONS_RUNS), each with the load
// average at its start: the machine is shared, so the ratio of the two paths within a run is the
// figure that survives load.

const ENTRY = join(projectRoot, 'dist/cli/main.js');
const RUNS = Number(process.env.BENCH_ADDONS_RUNS ?? 3);
const SECONDS = 10;
const CONCURRENCY = 8;
const HOST = 'shop.example.com';

/** Add-on processes by what their command line holds (besides the data dir). */
const ADDON_PROCESSES: Record<string, RegExp> = {
  'ingress: HAProxy (master and worker)': /^\S*haproxy\s/,
  'ingress: kubets ingress-controller': /\singress-controller\s/,
  'monitoring: Prometheus': /^\S*prometheus\s/,
  'monitoring: kubets prometheus-discovery': /\sprometheus-discovery\s/,
  'logging: systemd-journal-remote': /systemd-journal-remote/,
  'logging: kubets log-shipper': /\slog-shipper\s/,
};

/** RSS in MiB of each add-on's processes of this cluster, summed per add-on process kind. */
function addonMemory(dataDir: string): Record<string, number> {
  const mib = Object.fromEntries(Object.keys(ADDON_PROCESSES).map((k) => [k, 0]));
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmdline: string;
    let status: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      status = readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      continue;
    }
    if (!cmdline.includes(dataDir)) continue;
    const kind = Object.entries(ADDON_PROCESSES).find(([, pattern]) => pattern.test(cmdline))?.[0];
    if (kind) mib[kind]! += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  }
  return mib;
}

function once(target: URL): Promise<number> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, path: '/', headers: { host: HOST }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - start) / 1e6) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.setTimeout(15_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** CONCURRENCY clients for SECONDS, a new connection per request (the pods' server closes after each answer anyway). */
async function load(target: string): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const url = new URL(target);
  const until = Date.now() + SECONDS * 1000;
  const latencies: number[] = [];
  let errors = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < until) await once(url).then((ms) => latencies.push(ms), () => errors++);
  }));
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rps: latencies.length / SECONDS, p50: at(0.5), p99: at(0.99), errors };
}

/** Median, lowest and highest of the runs' values. */
function spread(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const manifests = [
  {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'shop' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'shop' } }, template: { metadata: { labels: { app: 'shop' } }, spec: { containers: [{ name: 'web', image: 'kubets/hostname:v1', ports: [{ containerPort: 8080 }] }] } } },
  },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop' }, spec: { selector: { app: 'shop' }, ports: [{ port: 80, targetPort: 8080 }] } },
  {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'shop' },
    spec: { rules: [{ host: HOST, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'shop', port: { number: 80 } } } }] } }] },
  },
  {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'chatty' },
    spec: { containers: [{ name: 'talk', image: 'kubets/busybox:1.36', command: ['sh', '-c', 'n=0; while true; do i=0; while [ $i -lt 50 ]; do echo "line $n.$i of the chatty pod"; i=$((i+1)); done; n=$((n+1)); sleep 1; done'] }] },
  },
];

export async function benchAddons(): Promise<void> {
  const release = await holdHostNetwork(1_800_000);
  const dir = mkdtempSync(join(tmpdir(), 'kubets-bench-addons-'));
  const dataDir = join(dir, 'data');
  const env = { ...process.env, HOME: dir, KUBETS_CONFIG: join(dataDir, 'admin.conf') };
  const kubets = (args: string[]): string => {
    const run = spawnSync(process.execPath, [ENTRY, ...args], { env, encoding: 'utf8', timeout: 300_000 });
    if (run.status !== 0) throw new Error(`kubets ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
    return run.stdout;
  };
  try {
    const [port, etcdPort, kubeletPort, httpPort, httpsPort, prometheusPort, loggingPort] = [
      await freeApiserverPort(), await freeEtcdPort(), await freeKubeletPort(), await freePort(), await freePort(), await freePort(), await freePort(),
    ];
    kubets(['up', '--detach', '--node-name', `bench-addons-${process.pid}`, '--data-dir', dataDir, '--port', String(port), '--etcd-port', String(etcdPort),
      '--kubelet-port', String(kubeletPort), '--addons', 'ingress,monitoring,logging', '--ingress-http-port', String(httpPort), '--ingress-https-port', String(httpsPort),
      '--prometheus-port', String(prometheusPort), '--logging-port', String(loggingPort)]);
    await pollUntil(() => spawnSync(process.execPath, [ENTRY, 'get', 'serviceaccount', 'default'], { env }).status === 0, { timeoutMs: 120_000, intervalMs: 1_000, what: 'the default ServiceAccount' });
    const file = join(dir, 'apps.yaml');
    writeFileSync(file, manifests.map((m) => JSON.stringify(m)).join('\n---\n'));
    kubets(['apply', '-f', file]);
    const ingress = `http://127.0.0.1:${httpPort}`;
    await pollUntil(() => once(new URL(ingress)).then(() => true, () => false), { timeoutMs: 300_000, intervalMs: 1_000, what: 'the Ingress answering' });
    const pods = JSON.parse(kubets(['get', 'pods', '-l', 'app=shop', '-o', 'json'])) as { items: { status?: { podIP?: string } }[] };
    const podIp = pods.items.map((p) => p.status?.podIP).find(Boolean);
    if (!podIp) throw new Error('no pod IP for the shop pods');
    const runs: { loadavg: string; ingress: Awaited<ReturnType<typeof load>>; pod: Awaited<ReturnType<typeof load>>; memoryMiB: Record<string, number> }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const at = loadavg();
      runs.push({ loadavg: at, ingress: await load(ingress), pod: await load(`http://${podIp}:8080`), memoryMiB: addonMemory(dataDir) });
    }
    const summary = {
      ingress: { rps: spread(runs.map((r) => r.ingress.rps)), p99: spread(runs.map((r) => r.ingress.p99)) },
      pod: { rps: spread(runs.map((r) => r.pod.rps)), p99: spread(runs.map((r) => r.pod.p99)) },
      ingressToPodRps: spread(runs.map((r) => r.ingress.rps / r.pod.rps)),
      memoryMiB: Object.fromEntries(Object.keys(ADDON_PROCESSES).map((k) => [k, spread(runs.map((r) => r.memoryMiB[k]!))])),
    };
    printResult('addons', { runs, summary });
  } finally {
    spawnSync(process.execPath, [ENTRY, 'down', '--data-dir', dataDir], { env, encoding: 'utf8', timeout: 300_000 });
    rmSync(dir, { recursive: true, force: true });
    release();
  }
}
