import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { ControllerManager } from '../../../services/controller-manager/controller-manager.js';
import { boundNode, eventMessage, eventually, fakeNode, pendingPod, useSchedulerCluster } from './helpers.js';

// The scheduler's volume plugins with the controller manager's volume binder beside it, as in a
// cluster: claims bound before or because of scheduling, pods placed where their volumes are.

const env = useSchedulerCluster();
const { schedulers } = env;
let localPathDir: string;
let binder: ControllerManager | undefined;

beforeAll(async () => {
  localPathDir = await mkdtemp(join(tmpdir(), 'kubets-sched-local-path-'));
});
afterAll(async () => {
  await rm(localPathDir, { recursive: true, force: true });
});
afterEach(async () => {
  await binder?.stop();
  binder = undefined;
});

async function startBinder(): Promise<void> {
  binder = new ControllerManager({ client: env.client, leaderElection: false, settings: { controllers: ['persistentvolume-binder'], localPathDir } });
  if (!(await binder.start())) throw new Error('controller-manager informers did not sync');
}

function claim(namespace: string, name: string, storageClassName: string): t.PersistentVolumeClaim {
  return { metadata: { name, namespace }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName } };
}

function podWithClaim(name: string, namespace: string, claimName: string): t.Pod {
  return pendingPod(name, namespace, { spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] } });
}

async function createNamespace(name: string): Promise<string> {
  await env.client.resource('namespace').create({ metadata: { name } });
  return name;
}

describe('volume binding in the scheduler', () => {
  it('keeps a pod with an unbound immediate claim Pending until the binder binds the claim', async () => {
    const ns = await createNamespace('vb-immediate');
    for (const n of ['vb-a', 'vb-b']) await env.client.resource('node').create(fakeNode(n));
    await schedulers.start();
    await startBinder();
    await env.client.resource('persistentVolumeClaim').create(claim(ns, 'data', ''));
    await env.client.resource('pod').create(podWithClaim('app', ns, 'data'));
    expect(await eventMessage(env.client, ns, 'app', 'FailedScheduling')).toContain('pod has unbound immediate PersistentVolumeClaims');

    // A volume on vb-b appears: the claim binds, and the pod goes where its volume is.
    await env.client.resource('persistentVolume').create({
      metadata: { name: 'vb-pv' },
      spec: {
        capacity: { storage: '2Gi' },
        accessModes: ['ReadWriteOnce'],
        storageClassName: '',
        local: { path: '/mnt/vb' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['vb-b'] }] }] } },
      },
    });
    expect(await boundNode(env.client, ns, 'app')).toBe('vb-b');
    expect((await env.client.resource('persistentVolumeClaim').get(ns, 'data')).spec?.volumeName).toBe('vb-pv');
  });

  it('selects a node for a WaitForFirstConsumer claim, then the provisioner makes its volume there', async () => {
    const ns = await createNamespace('vb-wffc');
    for (const n of ['wf-a', 'wf-b']) await env.client.resource('node').create(fakeNode(n));
    await env.client.resource('storageClass').create({ metadata: { name: 'vb-local' }, provisioner: 'kubets.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' });
    await schedulers.start();
    await startBinder();
    await env.client.resource('persistentVolumeClaim').create(claim(ns, 'data', 'vb-local'));
    await env.client.resource('pod').create(podWithClaim('app', ns, 'data'));
    const node = await boundNode(env.client, ns, 'app');
    const bound = await eventually(async () => {
      const c = await env.client.resource('persistentVolumeClaim').get(ns, 'data');
      return c.status?.phase === 'Bound' ? c : undefined;
    }, 30_000, 'claim bound');
    expect(bound.metadata?.annotations?.['volume.kubernetes.io/selected-node']).toBe(node);
    const pv = await env.client.resource('persistentVolume').get('', bound.spec?.volumeName ?? '');
    expect(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values).toEqual([node]);
  });

  it('refuses a second pod on a ReadWriteOncePod claim', async () => {
    const ns = await createNamespace('vb-rwop');
    await env.client.resource('node').create(fakeNode('rw-a'));
    await env.client.resource('persistentVolume').create({
      metadata: { name: 'rw-pv' },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOncePod'], storageClassName: '', hostPath: { path: '/tmp/rw' } },
    });
    await schedulers.start();
    await startBinder();
    const only = claim(ns, 'data', '');
    only.spec = { ...only.spec, accessModes: ['ReadWriteOncePod'] };
    await env.client.resource('persistentVolumeClaim').create(only);
    await env.client.resource('pod').create(podWithClaim('first', ns, 'data'));
    expect(await boundNode(env.client, ns, 'first')).toBe('rw-a');
    await env.client.resource('pod').create(podWithClaim('second', ns, 'data'));
    expect(await eventMessage(env.client, ns, 'second', 'FailedScheduling')).toContain(
      'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode',
    );
  });
});
