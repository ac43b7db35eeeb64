import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PersistentVolume, PersistentVolumeClaim, Pod } from '../../../../lib/api/generated/index.js';
import { InMemoryObjectSource } from '../../pod-workers/object-source.js';
import { claimMountPlan, nfsMountArgs, nfsMountPlan, type MountPlan } from './persistent-volumes.js';
import { PodVolumesError, VolumeManager } from './volume-manager.js';

function claim(phase = 'Bound', volumeName = 'pv1'): PersistentVolumeClaim {
  return { metadata: { name: 'data', namespace: 'ns', uid: 'claim-uid' }, spec: { volumeName }, status: { phase } };
}

function volume(source: Partial<NonNullable<PersistentVolume['spec']>>, claimUid = 'claim-uid'): PersistentVolume {
  return { metadata: { name: 'pv1' }, spec: { claimRef: { namespace: 'ns', name: 'data', uid: claimUid }, ...source } };
}

const plan = (c: PersistentVolumeClaim | undefined, pv: PersistentVolume | undefined, readOnly = false): MountPlan =>
  claimMountPlan('ns', 'data', c, pv, readOnly, '/var/lib/kubets/kubelet/n1/pods/u/volumes/kubernetes.io~nfs/data');

describe('claim mount plan', () => {
  it('bind-mounts a hostPath or local volume', () => {
    expect(plan(claim(), volume({ hostPath: { path: '/srv/pv1', type: 'DirectoryOrCreate' } }))).toEqual({
      kind: 'directory',
      path: '/srv/pv1',
      hostPathType: 'DirectoryOrCreate',
      local: false,
      readOnly: false,
    });
    expect(plan(claim(), volume({ local: { path: '/mnt/disk' } }), true)).toEqual({ kind: 'directory', path: '/mnt/disk', hostPathType: undefined, local: true, readOnly: true });
  });

  it('mounts an NFS volume under the pod with its mount options, read-only when the pod or the volume says so', () => {
    const nfs = plan(claim(), volume({ nfs: { server: '10.0.0.5', path: '/exports/a' }, mountOptions: ['nfsvers=4.1'] }), true);
    expect(nfs).toMatchObject({ kind: 'nfs', source: '10.0.0.5:/exports/a', options: ['nfsvers=4.1', 'ro'], readOnly: true });
    expect(nfsMountArgs(nfs as Extract<MountPlan, { kind: 'nfs' }>)).toEqual([
      '-t', 'nfs', '-o', 'nfsvers=4.1,ro', '10.0.0.5:/exports/a', '/var/lib/kubets/kubelet/n1/pods/u/volumes/kubernetes.io~nfs/data',
    ]);
    const plain = nfsMountPlan({ server: 'nfs.local', path: '/' }, '/t', false);
    expect(nfsMountArgs(plain as Extract<MountPlan, { kind: 'nfs' }>)).toEqual(['-t', 'nfs', 'nfs.local:/', '/t']);
    expect(nfsMountPlan({ server: 's', path: '/p', readOnly: true }, '/t', false)).toMatchObject({ options: ['ro'], readOnly: true });
  });

  it.each<[string, PersistentVolumeClaim | undefined, PersistentVolume | undefined, string]>([
    ['a missing claim', undefined, undefined, 'error processing PVC ns/data: failed to fetch PVC from API server: persistentvolumeclaims "data" not found'],
    ['an unbound claim', claim('Pending', ''), undefined, 'error processing PVC ns/data: PVC is not bound'],
    ['a missing volume', claim(), undefined, 'error processing PVC ns/data: failed to fetch PV pv1 from API server: persistentvolumes "pv1" not found'],
    ['a volume bound to another claim', claim(), volume({ hostPath: { path: '/x' } }, 'other'), 'error processing PVC ns/data: PV pv1 is not bound to this claim'],
  ])('refuses %s', (_name, c, pv, message) => {
    expect(() => plan(c, pv)).toThrow(message);
  });
});

describe('VolumeManager with claims', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'claims-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const pod = (readOnly = false): Pod => ({
    metadata: { uid: 'uid-1', name: 'p', namespace: 'ns' },
    spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data', readOnly } }], containers: [{ name: 'c' }] },
  });

  it('mounts the directory of the bound volume, creating a DirectoryOrCreate path, read-only when the pod asks', async () => {
    const dir = join(root, 'storage', 'pv1');
    const objects = new InMemoryObjectSource().setPersistentVolumeClaim(claim()).setPersistentVolume(volume({ hostPath: { path: dir, type: 'DirectoryOrCreate' } }));
    const manager = new VolumeManager({ rootDir: join(root, 'kubelet'), objects });
    expect((await manager.setUp(pod())).get('data')).toEqual({ hostPath: dir, readOnly: false });
    const paths = await manager.setUp(pod(true));
    expect(await manager.mountsFor(pod(true), { name: 'c', volumeMounts: [{ name: 'data', mountPath: '/data' }] }, paths)).toEqual([
      { hostPath: dir, containerPath: '/data', readOnly: true },
    ]);
  });

  it('reports an unbound claim as FailedMount would, and mounts it once bound', async () => {
    const objects = new InMemoryObjectSource().setPersistentVolumeClaim(claim('Pending', ''));
    const manager = new VolumeManager({ rootDir: join(root, 'kubelet'), objects });
    const err = await manager.setUp(pod()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PodVolumesError);
    expect((err as Error).message).toBe('MountVolume.SetUp failed for volume "data" : error processing PVC ns/data: PVC is not bound');
    const disk = join(root, 'disk');
    await mkdir(disk);
    objects.setPersistentVolumeClaim(claim()).setPersistentVolume(volume({ local: { path: disk } }));
    expect((await manager.setUp(pod())).get('data')?.hostPath).toBe(disk);
  });

  it('refuses a local volume whose path does not exist', async () => {
    const objects = new InMemoryObjectSource().setPersistentVolumeClaim(claim()).setPersistentVolume(volume({ local: { path: join(root, 'nowhere') } }));
    const manager = new VolumeManager({ rootDir: join(root, 'kubelet'), objects });
    await expect(manager.setUp(pod())).rejects.toThrow(`path "${join(root, 'nowhere')}" does not exist`);
  });
});
