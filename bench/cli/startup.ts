import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { projectRoot } from '../../lib/paths.js';
import { createDefaultServiceAccount, startBenchCluster } from '../harness/cluster.js';
import { printResult } from '../harness/report.js';

// Wall time of one `kubets` call, process start to exit, as a user at a shell sees it: `--help`
// (no cluster), `get pods` and `get pods -o yaml` against a real apiserver and etcd on loopback
// holding a few pods. `node -e 0` runs in the same rounds, so the figures can be read against
// what node itself costs on the machine at that moment; commands alternate within every round.

const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 20);
const PODS = 10;
const ENTRY = join(projectRoot, 'dist/cli/main.js');

interface Case {
  name: string;
  args: string[];
}

const CASES: Case[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'kubets --help', args: [ENTRY, '--help'] },
  { name: 'kubets get pods', args: [ENTRY, 'get', 'pods'] },
  { name: 'kubets get pods -o yaml', args: [ENTRY, 'get', 'pods', '-o', 'yaml'] },
];

function timeRun(args: string[], env: NodeJS.ProcessEnv): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return ms;
}

const round1 = (ms: number): number => Math.round(ms * 10) / 10;

export async function benchCliStartup(): Promise<void> {
  const cluster = await startBenchCluster();
  const cacheHome = mkdtempSync(join(tmpdir(), 'kubets-bench-cli-cache-'));
  try {
    const client = await cluster.client();
    await createDefaultServiceAccount(client, 'default');
    for (let i = 0; i < PODS; i++) {
      await client.resource('pod').create({
        metadata: { name: `web-${i}`, namespace: 'default', labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'kubets/busybox:1.36' }] },
      });
    }
    // The CLI keeps a per-user code cache of a call that reached the apiserver; a directory of the
    // bench's own has the warm-up below write it, as a user's first call would.
    const env = { ...process.env, KUBETS_CONFIG: cluster.adminConfig, XDG_CACHE_HOME: cacheHome };
    const samples = new Map<string, number[]>(CASES.map((c) => [c.name, []]));
    for (const c of CASES) timeRun(c.args, env); // warm the file cache (and write the CLI's code cache)
    const loadBefore = loadavg()[0]!;
    for (let round = 0; round < RUNS; round++) {
      for (const c of CASES) samples.get(c.name)!.push(timeRun(c.args, env));
    }
    const results = Object.fromEntries(
      [...samples].map(([name, ms]) => {
        const sorted = [...ms].sort((a, b) => a - b);
        return [name, { minMs: round1(sorted[0]!), medianMs: round1(sorted[Math.floor(sorted.length / 2)]!) }];
      }),
    );
    printResult('cli-startup', { runs: RUNS, pods: PODS, loadAvg1m: { before: loadBefore, after: loadavg()[0]! }, results });
  } finally {
    rmSync(cacheHome, { recursive: true, force: true });
    await cluster.stop();
  }
}
