import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBenchCluster, type BenchCluster } from '../harness/cluster.js';
import { printResult } from '../harness/report.js';
import { runConcurrent } from '../harness/stats.js';

// ConfigMap creates/s by a user RBAC authorizes (a RoleBinding to "edit", not system:masters),
// against an apiserver writing an audit log at Metadata level for every request and one without,
// in the same run: rounds alternate between the two, so a change in the machine's load hits both.

const TOTAL = Number(process.env.BENCH_AUDIT_CREATES ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_AUDIT_CREATES_CONCURRENCY ?? 50);
const ROUNDS = Number(process.env.BENCH_AUDIT_CREATES_ROUNDS ?? 3);
const PAYLOAD = 'x'.repeat(256);
const METADATA_POLICY = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n  - level: Metadata\n';

async function rbacWriter(cluster: BenchCluster) {
  const admin = await cluster.client();
  await admin.resource('roleBinding').create({
    metadata: { name: 'bench-edit', namespace: 'default' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'system:kube-scheduler' }],
  });
  const configMaps = (await cluster.clientAs('scheduler')).resource('configMap');
  // The binding reaches the authorizer's cache shortly after it is written.
  for (let i = 0; ; i++) {
    try {
      await configMaps.create({ metadata: { name: 'probe', namespace: 'default' }, data: {} });
      return configMaps;
    } catch (err) {
      if (i > 100) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchAuditCreates(): Promise<void> {
  const plain = await startBenchCluster();
  const audited = await startBenchCluster({
    apiserverArgs: (dir) => {
      const policy = join(dir, 'audit-policy.yaml');
      writeFileSync(policy, METADATA_POLICY);
      return ['--audit-policy-file', policy, '--audit-log-path', join(dir, 'audit.log')];
    },
  });
  try {
    const writers = { plain: await rbacWriter(plain), audited: await rbacWriter(audited) };
    const rates: Record<'plain' | 'audited', number[]> = { plain: [], audited: [] };
    // Warm up both (JIT, connections, caches) before anything is measured.
    for (const configMaps of Object.values(writers)) {
      await runConcurrent(500, CONCURRENCY, async (i) => {
        await configMaps.create({ metadata: { name: `warm-${i}`, namespace: 'default' }, data: { payload: PAYLOAD } });
      });
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const which of ['plain', 'audited'] as const) {
        const configMaps = writers[which];
        rates[which].push(
          await runConcurrent(TOTAL, CONCURRENCY, async (i) => {
            await configMaps.create({ metadata: { name: `r${round}-${i}`, namespace: 'default' }, data: { payload: PAYLOAD } });
          }),
        );
      }
    }
    const summary = (xs: number[]) => ({ median: Math.round(median(xs)), min: Math.round(Math.min(...xs)), max: Math.round(Math.max(...xs)) });
    printResult('apiserver-audit-creates', {
      concurrency: CONCURRENCY,
      total: TOTAL,
      rounds: ROUNDS,
      withoutAudit: summary(rates.plain),
      withAuditMetadata: summary(rates.audited),
      auditedToPlain: Number((median(rates.audited) / median(rates.plain)).toFixed(3)),
      target: '>= 0.9',
    });
  } finally {
    await Promise.all([plain.stop(), audited.stop()]);
  }
}
