import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBenchCluster, type BenchCluster } from '../harness/cluster.js';
import { printResult } from '../harness/report.js';
import { runConcurrent } from '../harness/stats.js';

// ConfigMap creates/s in three set-ups, in the same run: by an admin (system:masters, which no RBAC
// rule is evaluated for) on an apiserver without an audit log; by a user RBAC authorizes (a
// RoleBinding to "edit") on the same apiserver; and by that user on an apiserver writing an audit
// log at Metadata level for every request. Rounds alternate between them, so a change in the
// machine's load hits all three.

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
    const writers = { neither: (await plain.client()).resource('configMap'), rbac: await rbacWriter(plain), audited: await rbacWriter(audited) };
    const rates: Record<keyof typeof writers, number[]> = { neither: [], rbac: [], audited: [] };
    // Warm up every writer (JIT, connections, caches) before anything is measured.
    for (const [which, configMaps] of Object.entries(writers)) {
      await runConcurrent(500, CONCURRENCY, async (i) => {
        await configMaps.create({ metadata: { name: `warm-${which}-${i}`, namespace: 'default' }, data: { payload: PAYLOAD } });
      });
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const which of ['neither', 'rbac', 'audited'] as const) {
        const configMaps = writers[which];
        rates[which].push(
          await runConcurrent(TOTAL, CONCURRENCY, async (i) => {
            await configMaps.create({ metadata: { name: `${which}-r${round}-${i}`, namespace: 'default' }, data: { payload: PAYLOAD } });
          }),
        );
      }
    }
    const summary = (xs: number[]) => ({ median: Math.round(median(xs)), min: Math.round(Math.min(...xs)), max: Math.round(Math.max(...xs)) });
    printResult('apiserver-audit-creates', {
      concurrency: CONCURRENCY,
      total: TOTAL,
      rounds: ROUNDS,
      adminWithoutAudit: summary(rates.neither),
      rbacWithoutAudit: summary(rates.rbac),
      rbacWithAuditMetadata: summary(rates.audited),
      rbacToNeither: Number((median(rates.rbac) / median(rates.neither)).toFixed(3)),
      rbacAndAuditToNeither: Number((median(rates.audited) / median(rates.neither)).toFixed(3)),
      target: 'rbacAndAuditToNeither >= 0.9',
    });
  } finally {
    await Promise.all([plain.stop(), audited.stop()]);
  }
}
