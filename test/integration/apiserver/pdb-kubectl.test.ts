import { beforeAll, describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { runVerb } from '../../../cli/testing/run-verb.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { kubectl, kubectlOk, requireKubectl, writeKubeconfig } from './rest-helpers.js';

// PodDisruptionBudgets through the real kubectl 1.32 over the HTTP API, beside kubets' own verbs on
// the same apiserver: get (server-side columns), describe (kubectl's describer), create
// poddisruptionbudget, and a drain that a budget holds back until --timeout.

describe('PodDisruptionBudgets with the real kubectl 1.32', () => {
  const f = useControlPlane();
  let config: string;
  const ns = 'pdb-kubectl';

  beforeAll(async () => {
    requireKubectl();
    config = writeKubeconfig(f.cp, 'pdb');
    await f.client.resource('namespace').create({ metadata: { name: ns } });
  });

  async function budgetWithStatus(name: string, spec: t.PodDisruptionBudgetSpec, allowed: number): Promise<void> {
    const budgets = f.client.resource('podDisruptionBudget');
    const pdb = await budgets.create({ metadata: { name, namespace: ns }, spec });
    await budgets.updateStatus({ ...pdb, status: { observedGeneration: 1, disruptionsAllowed: allowed, currentHealthy: 2, desiredHealthy: 2 - allowed, expectedPods: 2 } });
  }

  it('kubectl create pdb, get pdb and describe pdb read as kubets prints them', async () => {
    expect(await kubectlOk(config, ['create', 'pdb', 'by-kubectl', '-n', ns, '--selector=app=web', '--min-available=50%'])).toBe('poddisruptionbudget.policy/by-kubectl created\n');
    const created = await runVerb(['create', 'poddisruptionbudget', 'by-kubets', '-n', ns, '--selector=app=db', '--max-unavailable=1'], { client: f.client });
    expect(created).toMatchObject({ code: 0, stdout: 'poddisruptionbudget.policy/by-kubets created\n' });
    await budgetWithStatus('counted', { selector: { matchLabels: { app: 'cache' } }, minAvailable: { intVal: 1 } }, 1);
    for (const args of [
      ['get', 'pdb', '-n', ns],
      ['get', 'poddisruptionbudgets', 'counted', '-n', ns, '-o', 'wide'],
      ['describe', 'pdb', 'by-kubectl', '-n', ns],
      ['describe', 'pdb', 'by-kubets', '-n', ns],
      ['describe', 'pdb', 'counted', '-n', ns],
    ]) {
      const expected = await kubectlOk(config, args);
      const got = await runVerb(args, { client: f.client });
      expect(got.stderr).toBe('');
      expect(got.stdout.replace(/\d+s\b/g, 'AGE')).toBe(expected.replace(/\d+s\b/g, 'AGE'));
    }
    const yaml = await kubectlOk(config, ['create', 'pdb', 'dry', '-n', ns, '--selector=app=web', '--max-unavailable=25%', '--dry-run=client', '-o', 'yaml']);
    const ours = await runVerb(['create', 'pdb', 'dry', '-n', ns, '--selector=app=web', '--max-unavailable=25%', '--dry-run=client', '-o', 'yaml'], { client: f.client });
    expect(ours.stdout).toBe(yaml);
  });

  it('kubectl explain pdb reads the field docs, as kubets explain prints them', async () => {
    const out = await kubectlOk(config, ['explain', 'pdb.spec.minAvailable']);
    expect(out).toContain('An eviction is allowed if at least "minAvailable" pods selected by');
    for (const path of ['pdb.spec', 'poddisruptionbudget.status']) {
      const ours = await runVerb(['explain', path], { client: f.client });
      expect(ours.stdout).toBe(await kubectlOk(config, ['explain', path]));
    }
  });

  it('refuses both --min-available and --max-unavailable as kubectl does', async () => {
    const theirs = await kubectl(config, ['create', 'pdb', 'both', '-n', ns, '--selector=app=web', '--min-available=1', '--max-unavailable=1']);
    const ours = await runVerb(['create', 'pdb', 'both', '-n', ns, '--selector=app=web', '--min-available=1', '--max-unavailable=1'], { client: f.client });
    expect(ours.code).toBe(theirs.code);
    expect(ours.stderr).toBe(theirs.stderr);
  });

  it('a drain held back by a budget retries every 5 s and fails at --timeout, as kubectl does', async () => {
    await f.client.resource('node').create({ metadata: { name: 'held-node' } });
    const owner = await f.client.resource('replicaSet').create({
      metadata: { name: 'held', namespace: ns },
      spec: { replicas: 2, selector: { matchLabels: { app: 'held' } }, template: { metadata: { labels: { app: 'held' } }, spec: { containers: [{ name: 'c', image: 'kubets/busybox:1.36' }] } } },
    });
    const ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'held', uid: owner.metadata!.uid!, controller: true }];
    const pods = f.client.resource('pod');
    const pod = await pods.create({ metadata: { name: 'held-1', namespace: ns, labels: { app: 'held' }, ownerReferences }, spec: { nodeName: 'held-node', containers: [{ name: 'c', image: 'kubets/busybox:1.36' }] } });
    await pods.updateStatus({ ...pod, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
    await budgetWithStatus('held', { selector: { matchLabels: { app: 'held' } }, minAvailable: { intVal: 2 } }, 0);
    const args = ['drain', 'held-node', '--ignore-daemonsets', '--grace-period=0', '--timeout=7s'];
    const theirs = await kubectl(config, args);
    await kubectlOk(config, ['uncordon', 'held-node']);
    const ours = await runVerb(args, { client: f.client });
    expect(theirs.stderr).toContain(`error when evicting pods/"held-1" -n "${ns}" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`);
    expect({ code: ours.code, stdout: ours.stdout, stderr: ours.stderr }).toEqual({ code: theirs.code, stdout: theirs.stdout, stderr: theirs.stderr });
    expect((await pods.get(ns, 'held-1')).metadata?.deletionTimestamp).toBeUndefined();
  });
});
