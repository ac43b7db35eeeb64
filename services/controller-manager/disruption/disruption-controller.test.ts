import { describe, expect, it } from 'vitest';
import type { OwnerReference, Pod, PodDisruptionBudget } from '../../../lib/api/generated/index.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { DisruptionController } from './disruption-controller.js';

// The controller on a fake apiserver: which controllers' scale it reads for each kind of owner,
// and the SyncFailed status when a pod's controller is missing.

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } };
const selector = { matchLabels: { app: 'web' } };

function readyPod(name: string, owner: OwnerReference): Pod {
  return {
    metadata: { name, namespace: 'default', labels: { app: 'web' }, ownerReferences: [{ ...owner, controller: true }] },
    spec: { containers: [{ name: 'c', image: 'x:1' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

describe('DisruptionController', () => {
  const env = useControllerTestEnv();
  const status = () => env.fake.stored('podDisruptionBudget', 'default', 'web')?.status;

  async function budget(spec: PodDisruptionBudget['spec']): Promise<void> {
    await env.client.resource('podDisruptionBudget').create({ metadata: { name: 'web', namespace: 'default' }, spec: { selector, ...spec } });
  }

  it('adds up the scale of each owner kind once: ReplicationController, StatefulSet, and a Deployment through its ReplicaSet', async () => {
    const rc = await env.client.resource('replicationController').create({ metadata: { name: 'rc', namespace: 'default' }, spec: { replicas: 2, selector: { app: 'web' }, template } });
    const sts = await env.client.resource('statefulSet').create({ metadata: { name: 'sts', namespace: 'default' }, spec: { replicas: 3, selector, serviceName: 'web', template } });
    const deploy = await env.client.resource('deployment').create({ metadata: { name: 'deploy', namespace: 'default' }, spec: { replicas: 4, selector, template } });
    const rs = await env.client.resource('replicaSet').create({
      metadata: { name: 'deploy-1', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'deploy', uid: deploy.metadata?.uid ?? '', controller: true }] },
      spec: { replicas: 1, selector, template },
    });
    const ref = (kind: string, apiVersion: string, obj: { metadata?: { name?: string; uid?: string } }): OwnerReference => ({ apiVersion, kind, name: obj.metadata?.name ?? '', uid: obj.metadata?.uid ?? '' });
    await env.client.resource('pod').create(readyPod('rc-a', ref('ReplicationController', 'v1', rc)));
    await env.client.resource('pod').create(readyPod('rc-b', ref('ReplicationController', 'v1', rc)));
    await env.client.resource('pod').create(readyPod('sts-0', ref('StatefulSet', 'apps/v1', sts)));
    await env.client.resource('pod').create(readyPod('deploy-a', ref('ReplicaSet', 'apps/v1', rs)));
    await budget({ minAvailable: { strVal: '50%' } });
    await env.ctx.start(new DisruptionController(env.ctx));
    // 2 + 3 + 4 expected; half of 9, rounded up, must stay healthy; 4 pods are.
    const counted = await eventually(() => status()?.expectedPods === 9 && status(), 10_000, 'budget counted');
    expect(counted).toMatchObject({ expectedPods: 9, desiredHealthy: 5, currentHealthy: 4, disruptionsAllowed: 0 });
    expect(counted.conditions?.[0]).toMatchObject({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' });

    // A change of scale is a change of the budget's arithmetic.
    await env.client.resource('statefulSet').update({ ...sts, spec: { ...sts.spec, replicas: 0 } });
    await eventually(() => status()?.expectedPods === 6 && status()?.disruptionsAllowed === 1, 10_000, 'budget recounted after a scale change');
  });

  it('reports SyncFailed and allows nothing when a pod’s controller is missing', async () => {
    await env.client.resource('pod').create(readyPod('lost', { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone', uid: 'gone-uid' }));
    await budget({ maxUnavailable: { intVal: 1 } });
    await env.ctx.start(new DisruptionController(env.ctx));
    const failed = await eventually(() => (status()?.conditions?.length ?? 0) > 0 && status(), 10_000, 'budget status written');
    expect(failed.disruptionsAllowed).toBe(0);
    expect(failed.conditions?.[0]).toMatchObject({ status: 'False', reason: 'SyncFailed', message: 'found no controllers for pod "lost"' });
  });

  it('counts minAvailable as a number against the selected pods alone, without their owners', async () => {
    await env.client.resource('pod').create(readyPod('a', { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone', uid: 'gone-uid' }));
    await env.client.resource('pod').create(readyPod('b', { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone', uid: 'gone-uid' }));
    await budget({ minAvailable: { intVal: 1 } });
    await env.ctx.start(new DisruptionController(env.ctx));
    const counted = await eventually(() => status()?.expectedPods === 2 && status(), 10_000, 'budget counted');
    expect(counted).toMatchObject({ currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 });
    expect(counted.conditions?.[0]).toMatchObject({ status: 'True', reason: 'SufficientPods' });
  });
});
