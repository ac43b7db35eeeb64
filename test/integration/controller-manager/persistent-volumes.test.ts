import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { createNamespace, eventMessages, eventually, useManagers } from './helpers.js';

// The volume binder, the local-path provisioner and the protection finalizers against a real
// apiserver and etcd. Node objects are made by the test; no kubelet runs.

const cluster = useControlPlane();
const managers = useManagers(() => cluster.client);
let localPathDir: string;

beforeAll(async () => {
  localPathDir = await mkdtemp(join(tmpdir(), 'kubets-local-path-'));
});
afterAll(async () => {
  await rm(localPathDir, { recursive: true, force: true });
});

const startBinder = () => managers.start({ settings: { controllers: ['persistentvolume-binder', 'storage-protection'], localPathDir } });

function volume(name: string, storage: string, storageClassName = '', reclaim = 'Retain'): t.PersistentVolume {
  return {
    metadata: { name },
    spec: { capacity: { storage }, accessModes: ['ReadWriteOnce'], storageClassName, persistentVolumeReclaimPolicy: reclaim, hostPath: { path: `/tmp/kubets-pv/${name}` } },
  };
}

function claim(namespace: string, name: string, storage: string, storageClassName?: string): t.PersistentVolumeClaim {
  return {
    metadata: { name, namespace },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, ...(storageClassName !== undefined && { storageClassName }) },
  };
}

function node(name: string): t.Node {
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

async function claimInPhase(namespace: string, name: string, phase: string): Promise<t.PersistentVolumeClaim> {
  return eventually(async () => {
    const c = await cluster.client.resource('persistentVolumeClaim').get(namespace, name);
    return c.status?.phase === phase ? c : undefined;
  }, 30_000, `claim ${namespace}/${name} ${phase}`);
}

async function volumeInPhase(name: string, phase: string): Promise<t.PersistentVolume> {
  return eventually(async () => {
    const v = await cluster.client.resource('persistentVolume').get('', name);
    return v.status?.phase === phase ? v : undefined;
  }, 30_000, `volume ${name} ${phase}`);
}

async function gone(get: () => Promise<unknown>): Promise<boolean> {
  try {
    await get();
    return false;
  } catch {
    return true;
  }
}

describe('persistent volume binder', () => {
  it('binds a claim to the smallest volume that fits, leaves a larger claim Pending with an event, and releases a Retain volume', async () => {
    const ns = await createNamespace(cluster.client, 'pv-static');
    await startBinder();
    for (const [name, size] of [['pv-static-1g', '1Gi'], ['pv-static-5g', '5Gi'], ['pv-static-10g', '10Gi']] as const) {
      await cluster.client.resource('persistentVolume').create(volume(name, size));
    }
    await volumeInPhase('pv-static-5g', 'Available');
    await cluster.client.resource('persistentVolumeClaim').create(claim(ns, 'data', '2Gi', ''));
    const bound = await claimInPhase(ns, 'data', 'Bound');
    expect(bound.spec?.volumeName).toBe('pv-static-5g');
    expect(bound.status).toMatchObject({ capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'] });
    expect(bound.metadata?.annotations).toMatchObject({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
    const pv = await volumeInPhase('pv-static-5g', 'Bound');
    expect(pv.spec?.claimRef).toMatchObject({ namespace: ns, name: 'data', uid: bound.metadata?.uid });
    expect(pv.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller']).toBe('yes');
    await eventually(async () => (await cluster.client.resource('persistentVolume').get('', 'pv-static-5g')).metadata?.finalizers?.includes('kubernetes.io/pv-protection'));

    await cluster.client.resource('persistentVolumeClaim').create(claim(ns, 'huge', '20Gi', ''));
    await eventually(async () => {
      const messages = await eventMessages(cluster.client, ns, 'huge', 'FailedBinding');
      return messages.includes('no persistent volumes available for this claim and no storage class is set');
    }, 30_000, 'FailedBinding event');
    expect((await cluster.client.resource('persistentVolumeClaim').get(ns, 'huge')).status?.phase).toBe('Pending');

    // No pod uses it, so the pvc-protection finalizer lets the claim go; the Retain volume stays, Released.
    await eventually(async () => (await cluster.client.resource('persistentVolumeClaim').get(ns, 'data')).metadata?.finalizers?.includes('kubernetes.io/pvc-protection'));
    await cluster.client.resource('persistentVolumeClaim').delete(ns, 'data');
    await eventually(() => gone(() => cluster.client.resource('persistentVolumeClaim').get(ns, 'data')), 30_000, 'claim deleted');
    const released = await volumeInPhase('pv-static-5g', 'Released');
    expect(released.spec?.claimRef?.name).toBe('data');
  });

  it('honours a claim that names its volume and a volume pre-bound to a claim', async () => {
    const ns = await createNamespace(cluster.client, 'pv-prebound');
    await startBinder();
    await cluster.client.resource('persistentVolume').create(volume('pv-pre-named', '1Gi'));
    const preBound = volume('pv-pre-ref', '10Gi');
    preBound.spec = { ...preBound.spec, claimRef: { namespace: ns, name: 'wants-ref' } };
    await cluster.client.resource('persistentVolume').create(preBound);
    await cluster.client.resource('persistentVolume').create(volume('pv-pre-other', '1Gi'));

    const named = claim(ns, 'wants-named', '1Gi', '');
    named.spec = { ...named.spec, volumeName: 'pv-pre-named' };
    await cluster.client.resource('persistentVolumeClaim').create(named);
    await cluster.client.resource('persistentVolumeClaim').create(claim(ns, 'wants-ref', '1Gi', ''));
    expect((await claimInPhase(ns, 'wants-named', 'Bound')).metadata?.annotations?.['pv.kubernetes.io/bound-by-controller']).toBeUndefined();
    expect((await claimInPhase(ns, 'wants-ref', 'Bound')).spec?.volumeName).toBe('pv-pre-ref');
    expect((await cluster.client.resource('persistentVolume').get('', 'pv-pre-other')).status?.phase).toBe('Available');
  });

  it('provisions a WaitForFirstConsumer claim on the selected node, and deletes volume and directory once the claim goes', async () => {
    const ns = await createNamespace(cluster.client, 'pv-local-path');
    await cluster.client.resource('node').create(node('lp-node'));
    await cluster.client.resource('storageClass').create({
      metadata: { name: 'local-path-wffc', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'kubets.io/local-path',
      volumeBindingMode: 'WaitForFirstConsumer',
    });
    await startBinder();
    // DefaultStorageClass admission names the class.
    const created = await cluster.client.resource('persistentVolumeClaim').create(claim(ns, 'data', '1Gi'));
    expect(created.spec?.storageClassName).toBe('local-path-wffc');
    await eventually(async () => (await eventMessages(cluster.client, ns, 'data', 'WaitForFirstConsumer')).length > 0, 30_000, 'WaitForFirstConsumer event');
    expect((await cluster.client.resource('persistentVolumeClaim').get(ns, 'data')).status?.phase).toBe('Pending');

    // What the scheduler does when it picks a node for the claim's first pod.
    await cluster.client.resource('persistentVolumeClaim').patch(ns, 'data', { metadata: { annotations: { 'volume.kubernetes.io/selected-node': 'lp-node' } } });
    const bound = await claimInPhase(ns, 'data', 'Bound');
    const pvName = `pvc-${created.metadata?.uid ?? ''}`;
    expect(bound.spec?.volumeName).toBe(pvName);
    const pv = await volumeInPhase(pvName, 'Bound');
    const dir = join(localPathDir, 'lp-node', `${pvName}_${ns}_data`);
    expect(pv.spec).toMatchObject({
      storageClassName: 'local-path-wffc',
      persistentVolumeReclaimPolicy: 'Delete',
      hostPath: { path: dir, type: 'DirectoryOrCreate' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['lp-node'] }] }] } },
    });
    expect((await eventMessages(cluster.client, ns, 'data', 'ProvisioningSucceeded'))[0]).toBe(`Successfully provisioned volume ${pvName}`);

    // The kubelet would make the directory on first mount.
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'data.txt'), 'kept until the claim goes');
    await cluster.client.resource('persistentVolumeClaim').delete(ns, 'data');
    await eventually(() => gone(() => cluster.client.resource('persistentVolume').get('', pvName)), 30_000, 'provisioned volume deleted');
    await expect(stat(dir)).rejects.toThrow();
  });

  it('provisions an Immediate claim at once on a Ready node', async () => {
    const ns = await createNamespace(cluster.client, 'pv-immediate');
    await cluster.client.resource('node').create(node('imm-node'));
    await cluster.client.resource('storageClass').create({ metadata: { name: 'local-now' }, provisioner: 'kubets.io/local-path', volumeBindingMode: 'Immediate', reclaimPolicy: 'Retain' });
    await startBinder();
    await cluster.client.resource('persistentVolumeClaim').create(claim(ns, 'now', '1Gi', 'local-now'));
    const bound = await claimInPhase(ns, 'now', 'Bound');
    const pv = await volumeInPhase(bound.spec?.volumeName ?? '', 'Bound');
    expect(pv.spec?.persistentVolumeReclaimPolicy).toBe('Retain');
    expect(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values?.length).toBe(1);
  });

  it('keeps a claim a pod uses until the pod is gone (kubernetes.io/pvc-protection)', async () => {
    const ns = await createNamespace(cluster.client, 'pv-protection');
    await startBinder();
    await cluster.client.resource('persistentVolumeClaim').create(claim(ns, 'used', '1Gi', ''));
    await cluster.client.resource('pod').create({
      metadata: { name: 'user', namespace: ns },
      spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'used' } }] },
    });
    await eventually(async () => (await cluster.client.resource('persistentVolumeClaim').get(ns, 'used')).metadata?.finalizers?.includes('kubernetes.io/pvc-protection'));
    await cluster.client.resource('persistentVolumeClaim').delete(ns, 'used');
    const held = await cluster.client.resource('persistentVolumeClaim').get(ns, 'used');
    expect(held.metadata?.deletionTimestamp).toBeTruthy();
    await cluster.client.resource('pod').delete(ns, 'user', { gracePeriodSeconds: 0 });
    await eventually(() => gone(() => cluster.client.resource('persistentVolumeClaim').get(ns, 'used')), 30_000, 'claim deleted once unused');
  });
});
