import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Node, PersistentVolumeClaim, StorageClass } from '../../../lib/api/generated/index.js';
import { deleteLocalPathDirectory, isLocalPathVolume, provisionVolume, ProvisioningError } from './local-path-provisioner.js';

const node: Node = { metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } } };
const localPath: StorageClass = { metadata: { name: 'local-path' }, provisioner: 'kubets.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' };

function claim(accessModes = ['ReadWriteOnce']): PersistentVolumeClaim {
  return {
    metadata: { name: 'data', namespace: 'apps', uid: 'u-1', resourceVersion: '7' },
    spec: { accessModes, resources: { requests: { storage: '2Gi' } }, storageClassName: 'local-path', volumeMode: 'Filesystem' },
  };
}

describe('local-path provisioner', () => {
  let base: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'local-path-'));
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('makes a hostPath volume on the node, pre-bound to the claim', () => {
    const pv = provisionVolume(claim(), localPath, node, base);
    expect(pv.metadata).toEqual({ name: 'pvc-u-1', annotations: { 'pv.kubernetes.io/provisioned-by': 'kubets.io/local-path' } });
    expect(pv.spec).toMatchObject({
      capacity: { storage: '2Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'local-path',
      hostPath: { path: join(base, 'n1', 'pvc-u-1_apps_data'), type: 'DirectoryOrCreate' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }] } },
      claimRef: { kind: 'PersistentVolumeClaim', namespace: 'apps', name: 'data', uid: 'u-1' },
    });
    expect(isLocalPathVolume(pv)).toBe(true);
  });

  it('takes the reclaim policy of the class', () => {
    expect(provisionVolume(claim(), { ...localPath, reclaimPolicy: 'Retain' }, node, base).spec?.persistentVolumeReclaimPolicy).toBe('Retain');
  });

  it('refuses shared access modes, which a directory on one node cannot offer', () => {
    expect(() => provisionVolume(claim(['ReadWriteMany']), localPath, node, base)).toThrow(ProvisioningError);
  });

  it('deletes the directory of a reclaimed volume, and nothing outside the base dir', async () => {
    const pv = provisionVolume(claim(), localPath, node, base);
    const dir = pv.spec?.hostPath?.path ?? '';
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'file'), 'x');
    await deleteLocalPathDirectory(pv, base);
    await expect(stat(dir)).rejects.toThrow();
    const outside = { ...pv, spec: { ...pv.spec, hostPath: { path: join(base, '..', 'elsewhere') } } };
    await expect(deleteLocalPathDirectory(outside, base)).rejects.toThrow(/not inside/);
  });
});
