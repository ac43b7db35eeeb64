import { describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { formatTime } from '../../../lib/client/api-time.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { createNamespace, eventually, podsMatching, reportRunning, useManagers } from './helpers.js';

// The disruption controller against a real apiserver and etcd, with the controller manager in
// process and no kubelets (the test reports pods ready where a kubelet would): a budget's status
// follows its pods and their Deployment's scale, evictions spend what it allows, and it gives the
// disruption back once the evicted pod is gone and replaced.

const cluster = useControlPlane();
const managers = useManagers(() => cluster.client);

function deployment(namespace: string, replicas: number): t.Deployment {
  const labels = { app: 'web' };
  return {
    metadata: { name: 'web', namespace },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'kubets/busybox:1.36' }] } } },
  };
}

const budgetStatus = async (ns: string, name = 'web'): Promise<t.PodDisruptionBudgetStatus> => (await cluster.client.resource('podDisruptionBudget').get(ns, name)).status ?? {};

describe('disruption controller', () => {
  it('counts a Deployment’s pods into the budget, and gives back an eviction’s disruption once the pod is replaced', async () => {
    const ns = await createNamespace(cluster.client, 'pdb-deploy');
    await managers.start();
    await cluster.client.resource('deployment').create(deployment(ns, 3));
    const pods = await podsMatching(cluster.client, ns, 'app=web', 3);
    for (const [i, pod] of pods.entries()) await reportRunning(cluster.client, pod, `172.17.0.${10 + i}`);
    const pdb = await cluster.client.resource('podDisruptionBudget').create({ metadata: { name: 'web', namespace: ns }, spec: { maxUnavailable: { intVal: 1 }, selector: { matchLabels: { app: 'web' } } } });

    const counted = await eventually(async () => {
      const s = await budgetStatus(ns);
      return s.disruptionsAllowed === 1 && s.currentHealthy === 3 ? s : undefined;
    }, 30_000, 'budget counted');
    expect(counted).toMatchObject({ observedGeneration: pdb.metadata?.generation, expectedPods: 3, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
    expect(counted.conditions).toEqual([expect.objectContaining({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' })]);

    const victim = pods[0]!.metadata!.name!;
    await cluster.client.evict(ns, victim);
    const refused = await cluster.client.evict(ns, pods[1]!.metadata!.name!).catch((e: unknown) => e);
    expect(refused).toMatchObject({ reason: 'TooManyRequests' });

    // The replacement pod appears; once it is ready, the budget allows one disruption again and forgets the evicted pod.
    const replacement = await eventually(async () => {
      const { items } = await cluster.client.resource('pod').list(ns, { labelSelector: 'app=web' });
      return items.find((p) => !pods.some((old) => old.metadata?.name === p.metadata?.name));
    }, 30_000, 'replacement pod');
    await reportRunning(cluster.client, replacement, '172.17.0.20');
    const recovered = await eventually(async () => {
      const s = await budgetStatus(ns);
      return s.disruptionsAllowed === 1 && Object.keys(s.disruptedPods ?? {}).length === 0 ? s : undefined;
    }, 30_000, 'budget recovered');
    expect(recovered).toMatchObject({ expectedPods: 3, currentHealthy: 3, desiredHealthy: 2 });
  });

  it('allows nothing with InsufficientPods while too few pods are ready, and recounts when the budget changes', async () => {
    const ns = await createNamespace(cluster.client, 'pdb-min');
    await managers.start();
    const pods = cluster.client.resource('pod');
    for (const name of ['a', 'b']) {
      const pod = await pods.create({ metadata: { name, namespace: ns, labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'kubets/busybox:1.36' }] } });
      await reportRunning(cluster.client, pod, '172.17.0.30', name === 'a');
    }
    const budgets = cluster.client.resource('podDisruptionBudget');
    await budgets.create({ metadata: { name: 'db', namespace: ns }, spec: { minAvailable: { intVal: 1 }, selector: { matchLabels: { app: 'db' } } } });
    const insufficient = await eventually(async () => {
      const s = await budgetStatus(ns, 'db');
      return s.observedGeneration === 1 && s.expectedPods === 2 ? s : undefined;
    }, 30_000, 'budget counted');
    expect(insufficient).toMatchObject({ currentHealthy: 1, desiredHealthy: 1, disruptionsAllowed: 0 });
    expect(insufficient.conditions?.[0]).toMatchObject({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' });

    // An eviction the controller never saw carried out (its pod is gone) is dropped from the status.
    const current = await budgets.get(ns, 'db');
    await budgets.updateStatus({ ...current, status: { ...current.status, disruptedPods: { gone: formatTime(Date.now()) } } });
    await eventually(async () => Object.keys((await budgetStatus(ns, 'db')).disruptedPods ?? {}).length === 0, 30_000, 'stale entry dropped');

    await budgets.update({ ...(await budgets.get(ns, 'db')), spec: { minAvailable: { intVal: 0 }, selector: { matchLabels: { app: 'db' } } } });
    const relaxed = await eventually(async () => {
      const s = await budgetStatus(ns, 'db');
      return s.observedGeneration === 2 ? s : undefined;
    }, 30_000, 'new generation counted');
    expect(relaxed).toMatchObject({ desiredHealthy: 0, disruptionsAllowed: 1 });
    expect(relaxed.conditions?.[0]).toMatchObject({ status: 'True', reason: 'SufficientPods' });
  });
});
