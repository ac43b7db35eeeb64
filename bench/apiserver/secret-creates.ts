import { loadavg } from 'node:os';
import type { Secret } from '../../lib/api/generated/index.js';
import { startBenchCluster } from '../harness/cluster.js';
import { printResult } from '../harness/report.js';
import { runConcurrent } from '../harness/stats.js';

// Secret creates/s with encryption at rest (aescbc, the EncryptionConfiguration `kubets up`
// writes) against the same apiserver storing Secrets as they are (identity), in the same run:
// each round starts one cluster of each kind, in alternating order, and measures both.

const TOTAL = Number(process.env.BENCH_SECRET_CREATES ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_SECRET_CREATES_CONCURRENCY ?? 50);
const ROUNDS = Number(process.env.BENCH_SECRET_ROUNDS ?? 3);
const PAYLOAD = Buffer.from('x'.repeat(256));

async function secretCreatesPerSec(encryptSecrets: boolean): Promise<number> {
  const cluster = await startBenchCluster({ encryptSecrets });
  try {
    const secrets = (await cluster.client()).resource('secret');
    const create = (name: string): Promise<Secret> => secrets.create({ metadata: { name, namespace: 'default' }, data: { payload: PAYLOAD } });
    await runConcurrent(500, CONCURRENCY, (i) => create(`warm-${i}`).then(() => undefined));
    return await runConcurrent(TOTAL, CONCURRENCY, (i) => create(`bench-${i}`).then(() => undefined));
  } finally {
    await cluster.stop();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchSecretCreates(): Promise<void> {
  const rates = { aescbc: [] as number[], identity: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const order: (keyof typeof rates)[] = round % 2 === 0 ? ['identity', 'aescbc'] : ['aescbc', 'identity'];
    for (const mode of order) rates[mode].push(Math.round(await secretCreatesPerSec(mode === 'aescbc')));
  }
  const summary = (xs: number[]) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs });
  printResult('apiserver-secret-creates', {
    total: TOTAL,
    concurrency: CONCURRENCY,
    loadAverage: Number(loadavg()[0]!.toFixed(1)),
    identity: summary(rates.identity),
    aescbc: summary(rates.aescbc),
    ratio: Number((median(rates.aescbc) / median(rates.identity)).toFixed(3)),
  });
}
