import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conflict } from '../../../lib/api/errors.js';
import type { Deployment, ReplicaSet } from '../../../lib/api/generated/index.js';
import { rollbackPatch } from '../../../lib/deployment/rollback.js';
import { REPLICA_SET_KIND } from '../replicaset/replica-kind.js';
import { ReplicaSetController } from '../replicaset/replica-set-controller.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { FakeKubelet } from '../testing/fake-kubelet.js';
import { DeploymentController } from './deployment-controller.js';

const ns = 'default';

function nginx(image: string, o: Partial<NonNullable<Deployment['spec']>> = {}): Deployment {
  return {
    metadata: { name: 'nginx', namespace: ns },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image }] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: { strVal: '25%' }, maxUnavailable: { strVal: '25%' } } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      ...o,
    },
  };
}

describe('DeploymentController', () => {
  const env = useControllerTestEnv();
  let kubelet: FakeKubelet;

  beforeEach(async () => {
    kubelet = new FakeKubelet(env.client);
    await kubelet.start();
  });
  afterEach(async () => {
    await kubelet.stop();
  });

  const start = () => env.ctx.start(new DeploymentController(env.ctx), new ReplicaSetController(env.ctx, REPLICA_SET_KIND));
  const replicaSets = async (): Promise<ReplicaSet[]> => (await env.client.resource('replicaSet').list(ns)).items;
  const deployment = () => env.client.resource('deployment').get(ns, 'nginx');
  // The fake apiserver does not bump generation on patches, so the ReplicaSets are checked too.
  const rolledOut = async (revision: string, replicas = 4) => {
    const d = await deployment();
    const s = d.status ?? {};
    const statusDone = d.metadata?.annotations?.['deployment.kubernetes.io/revision'] === revision && s.updatedReplicas === replicas && s.replicas === replicas && s.availableReplicas === replicas;
    const sets = await replicaSets();
    const current = sets.find((rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] === revision);
    const setsDone = current?.status?.availableReplicas === replicas && sets.every((rs) => rs === current || (rs.spec?.replicas ?? 0) === 0);
    return statusDone && setsDone ? d : undefined;
  };

  it('creates a ReplicaSet named after the template hash, with revision 1, and reports the rollout', async () => {
    await env.client.resource('deployment').create(nginx('nginx:1.0'));
    await start();
    const d = await eventually(() => rolledOut('1'), 20_000, 'rollout of revision 1');
    const [rs] = await replicaSets();
    const hash = rs?.metadata?.labels?.['pod-template-hash'];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(rs?.metadata?.name).toBe(`nginx-${hash}`);
    expect(rs?.spec?.selector).toEqual({ matchLabels: { app: 'nginx', 'pod-template-hash': hash } });
    expect(rs?.spec?.template?.metadata?.labels).toEqual({ app: 'nginx', 'pod-template-hash': hash });
    expect(rs?.metadata?.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '4', 'deployment.kubernetes.io/max-replicas': '5' });
    expect(rs?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'nginx', uid: d.metadata?.uid, controller: true, blockOwnerDeletion: true });
    const conditions = Object.fromEntries((d.status?.conditions ?? []).map((c) => [c.type, [c.status, c.reason, c.message]]));
    expect(conditions).toEqual({
      Available: ['True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
      Progressing: ['True', 'NewReplicaSetAvailable', `ReplicaSet "${rs?.metadata?.name}" has successfully progressed.`],
    });
    expect(d.status?.unavailableReplicas ?? 0).toBe(0);
    const events = (await env.client.resource('event').list(ns)).items.filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);
    expect(events).toContain(`Scaled up replica set ${rs?.metadata?.name} to 4`);
  });

  it('rolls from v1 to v2 within maxSurge and maxUnavailable, ending at revision 2', async () => {
    await env.client.resource('deployment').create(nginx('nginx:1.0'));
    await start();
    await eventually(() => rolledOut('1'), 20_000, 'rollout of revision 1');
    let minAvailable = Infinity;
    let maxTotal = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const pods = (await env.client.resource('pod').list(ns)).items;
        const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
        const ready = live.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        minAvailable = Math.min(minAvailable, ready.length);
        maxTotal = Math.max(maxTotal, live.length);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await env.client.resource('deployment').patch(ns, 'nginx', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:2.0' }] } } } }, { type: 'strategic' });
    const d = await eventually(() => rolledOut('2'), 30_000, 'rollout of revision 2');
    watching = false;
    await watcher;
    // 4 replicas, 25%: at most 1 unavailable and 1 extra.
    expect(minAvailable).toBeGreaterThanOrEqual(3);
    expect(maxTotal).toBeLessThanOrEqual(5);
    const sets = await replicaSets();
    const byRevision = Object.fromEntries(sets.map((rs) => [rs.metadata?.annotations?.['deployment.kubernetes.io/revision'], rs]));
    expect(byRevision['1']?.spec?.replicas).toBe(0);
    expect(byRevision['2']?.spec?.replicas).toBe(4);
    expect(byRevision['2']?.spec?.template?.spec?.containers?.[0]?.image).toBe('nginx:2.0');
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    const pods = (await env.client.resource('pod').list(ns)).items;
    expect(pods.every((p) => p.spec?.containers?.[0]?.image === 'nginx:2.0')).toBe(true);
  });

  // A ReplicaSet's status is counted from its pods as they were before it deleted some, so right
  // after a scale-down it still reports the pods it is deleting as available. Counted as such, they
  // let the next sync scale old pods down below replicas - maxUnavailable.
  it('counts no more pods of a ReplicaSet available than its spec keeps', async () => {
    await env.client.resource('deployment').create(nginx('nginx:1.0'));
    await env.ctx.start(new DeploymentController(env.ctx));
    const rsClient = env.client.resource('replicaSet');
    const byRevision = async (revision: string): Promise<ReplicaSet | undefined> =>
      (await replicaSets()).find((rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] === revision);
    const setStatus = async (revision: string, available: number): Promise<void> => {
      const rs = (await byRevision(revision))!;
      await rsClient.updateStatus({ ...rs, status: { replicas: available, readyReplicas: available, availableReplicas: available, observedGeneration: rs.metadata?.generation ?? 0 } });
    };
    await eventually(async () => (await byRevision('1'))?.spec?.replicas === 4);
    await setStatus('1', 4);
    await env.client.resource('deployment').patch(ns, 'nginx', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:2.0' }] } } } }, { type: 'strategic' });
    // 4 replicas, 25%: one old pod goes, its set's status still counting it, and two new ones surge.
    await eventually(async () => (await byRevision('1'))?.spec?.replicas === 3 && (await byRevision('2'))?.spec?.replicas === 2);
    // One new pod is available: one more old one may go (3 + 1 available), not two (4 + 1).
    await setStatus('2', 1);
    const old = await eventually(async () => {
      const replicas = (await byRevision('1'))?.spec?.replicas ?? 0;
      return replicas < 3 && replicas;
    });
    expect(old).toBe(2);
  });

  it('Recreate scales the old ReplicaSet to zero before the new one gets pods', async () => {
    await env.client.resource('deployment').create(nginx('nginx:1.0', { strategy: { type: 'Recreate' } }));
    await start();
    await eventually(() => rolledOut('1'), 20_000, 'rollout of revision 1');
    let mixed = false;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const images = new Set((await env.client.resource('pod').list(ns)).items.map((p) => p.spec?.containers?.[0]?.image));
        if (images.size > 1) mixed = true;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await env.client.resource('deployment').patch(ns, 'nginx', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:2.0' }] } } } }, { type: 'strategic' });
    await eventually(() => rolledOut('2'), 30_000, 'rollout of revision 2');
    watching = false;
    await watcher;
    expect(mixed).toBe(false);
  });

  it('does not roll out while paused, and does once resumed', async () => {
    await env.client.resource('deployment').create(nginx('nginx:1.0'));
    await start();
    await eventually(() => rolledOut('1'), 20_000, 'rollout of revision 1');
    await env.client.resource('deployment').patch(ns, 'nginx', { spec: { paused: true } });
    await eventually(async () => (await deployment()).status?.conditions?.find((c) => c.type === 'Progressing')?.reason === 'DeploymentPaused');
    await env.client.resource('deployment').patch(ns, 'nginx', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:2.0' }] } } } }, { type: 'strategic' });
    // Scaling still works while paused.
    await env.client.resource('deployment').patch(ns, 'nginx', { spec: { replicas: 5 } });
    await eventually(async () => (await replicaSets())[0]?.spec?.replicas === 5);
    expect(await replicaSets()).toHaveLength(1);
    await env.client.resource('deployment').patch(ns, 'nginx', { spec: { paused: false, replicas: 4 } });
    await eventually(() => rolledOut('2'), 30_000, 'rollout of revision 2');
  });

  it('rolls back to an earlier revision (as rollout undo patches it), which keeps its ReplicaSet under a new revision', async () => {
    await env.client.resource('deployment').create(nginx('nginx:1.0'));
    await start();
    await eventually(() => rolledOut('1'), 20_000, 'rollout of revision 1');
    const first = (await replicaSets())[0]!;
    await env.client.resource('deployment').patch(ns, 'nginx', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:2.0' }] } } } }, { type: 'strategic' });
    await eventually(() => rolledOut('2'), 30_000, 'rollout of revision 2');
    const current = await deployment();
    const firstNow = (await replicaSets()).find((rs) => rs.metadata?.uid === first.metadata?.uid)!;
    await env.client.resource('deployment').patch(ns, 'nginx', rollbackPatch(current, firstNow), { type: 'json' });
    await eventually(() => rolledOut('3'), 30_000, 'rollout of revision 3');
    const back = (await replicaSets()).find((rs) => rs.metadata?.uid === first.metadata?.uid)!;
    expect(back.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(back.metadata?.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
    expect(back.spec?.replicas).toBe(4);
    expect(await replicaSets()).toHaveLength(2);
  });

  it('keeps at most revisionHistoryLimit old ReplicaSets', async () => {
    await env.client.resource('deployment').create(nginx('nginx:1.0', { revisionHistoryLimit: 1 }));
    await start();
    for (const [i, image] of ['nginx:2.0', 'nginx:3.0'].entries()) {
      await env.client.resource('deployment').patch(ns, 'nginx', { spec: { template: { spec: { containers: [{ name: 'nginx', image }] } } } }, { type: 'strategic' });
      await eventually(() => rolledOut(String(i + 2)), 30_000, `rollout of revision ${i + 2}`);
    }
    const revisions = await eventually(async () => {
      const sets = await replicaSets();
      return sets.length === 2 ? sets.map((rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision']).sort() : undefined;
    });
    expect(revisions).toEqual(['2', '3']);
  });

  it('retries deleting an old ReplicaSet whose delete lost to concurrent writes', async () => {
    await env.client.resource('deployment').create(nginx('nginx:1.0', { revisionHistoryLimit: 0 }));
    let refused = 0;
    env.fake.intercept = (method, request) => {
      if (method !== 'Delete' || (request as { resource?: string }).resource !== 'replicasets' || refused++ > 0) return;
      return conflict('replicasets', (request as { name?: string }).name ?? '', 'too many concurrent changes, try again');
    };
    await start();
    await eventually(() => rolledOut('1'), 30_000, 'rollout of revision 1');
    await env.client.resource('deployment').patch(ns, 'nginx', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:2.0' }] } } } }, { type: 'strategic' });
    await eventually(() => rolledOut('2'), 30_000, 'rollout of revision 2');
    await eventually(async () => (await replicaSets()).length === 1, 20_000, 'old ReplicaSet deleted');
    expect(refused).toBeGreaterThan(1);
  });

  it('scales a rollout in progress proportionally', async () => {
    await env.client.resource('deployment').create(nginx('nginx:1.0', { replicas: 10 }));
    await start();
    await eventually(async () => (await deployment()).status?.availableReplicas === 10, 20_000);
    kubelet.enabled = false;
    await env.client.resource('deployment').patch(ns, 'nginx', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:2.0' }] } } } }, { type: 'strategic' });
    // New pods never get ready: the rollout stalls at maxSurge 3 new and maxUnavailable 2 old gone.
    await eventually(async () => {
      const sets = await replicaSets();
      return sets.length === 2 && sets.map((rs) => rs.spec?.replicas).sort((a, b) => (a ?? 0) - (b ?? 0)).join() === '5,8';
    }, 10_000);
    await env.client.resource('deployment').patch(ns, 'nginx', { spec: { replicas: 20 } });
    // 20 + 25% surge = 25 pods, shared 8:5 and rounded.
    const sizes = await eventually(async () => {
      const sets = await replicaSets();
      const total = sets.reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
      return total === 25 ? sets.map((rs) => rs.spec?.replicas ?? 0).sort((a, b) => a - b) : undefined;
    }, 10_000);
    expect(sizes).toEqual([10, 15]);
    kubelet.resume();
  });
});
