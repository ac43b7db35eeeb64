import { describe, expect, it } from 'vitest';
import type { PersistentVolume } from '../../../lib/api/generated/index.js';
import { describePersistentVolume, describePersistentVolumeClaim, describeStorageClass } from './storage.js';

const pv: PersistentVolume = {
  metadata: { name: 'pvc-1', annotations: { 'pv.kubernetes.io/provisioned-by': 'kubets.io/local-path' }, finalizers: ['kubernetes.io/pv-protection'] },
  spec: {
    capacity: { storage: '1Gi' },
    accessModes: ['ReadWriteOnce'],
    persistentVolumeReclaimPolicy: 'Delete',
    storageClassName: 'local-path',
    volumeMode: 'Filesystem',
    hostPath: { path: '/var/lib/kubets/storage/n1/pvc-1_default_data', type: 'DirectoryOrCreate' },
    nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }] } },
    claimRef: { namespace: 'default', name: 'data' },
  },
  status: { phase: 'Bound' },
};

describe('storage describers', () => {
  it('describes a volume with its node affinity and source', () => {
    expect(describePersistentVolume(pv, { events: [], now: 0 })).toBe(
      [
        'Name:              pvc-1',
        'Labels:            <none>',
        'Annotations:       pv.kubernetes.io/provisioned-by: kubets.io/local-path',
        'Finalizers:        [kubernetes.io/pv-protection]',
        'StorageClass:      local-path',
        'Status:            Bound',
        'Claim:             default/data',
        'Reclaim Policy:    Delete',
        'Access Modes:      RWO',
        'VolumeMode:        Filesystem',
        'Capacity:          1Gi',
        'Node Affinity:     ',
        '  Required Terms:  ',
        '    Term 0:        kubernetes.io/hostname in [n1]',
        'Message:           ',
        'Source:',
        '    Type:          HostPath (bare host directory volume)',
        '    Path:          /var/lib/kubets/storage/n1/pvc-1_default_data',
        '    HostPathType:  DirectoryOrCreate',
        'Events:            <none>',
        '',
      ].join('\n'),
    );
  });

  it('describes an NFS volume without node affinity', () => {
    const nfs: PersistentVolume = { metadata: { name: 'share' }, spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteMany'], nfs: { server: '10.0.0.5', path: '/exports' } }, status: { phase: 'Available' } };
    const text = describePersistentVolume(nfs, { now: 0 });
    expect(text).toContain('Node Affinity:   <none>');
    expect(text).toContain('    Type:      NFS (an NFS mount that lasts the lifetime of a pod)\n    Server:    10.0.0.5\n    Path:      /exports\n    ReadOnly:  false\n');
  });

  it('describes a claim with the pods that use it', () => {
    const claim = {
      metadata: { name: 'data', namespace: 'default', finalizers: ['kubernetes.io/pvc-protection'], annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } },
      spec: { storageClassName: 'local-path', volumeName: 'pvc-1', volumeMode: 'Filesystem' },
      status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] },
    };
    const pods = [
      { metadata: { name: 'web-0' }, spec: { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] } },
      { metadata: { name: 'other' }, spec: { volumes: [{ name: 'd', emptyDir: {} }] } },
    ];
    expect(describePersistentVolumeClaim(claim, { events: [], now: 0, pods })).toBe(
      [
        'Name:          data',
        'Namespace:     default',
        'StorageClass:  local-path',
        'Status:        Bound',
        'Volume:        pvc-1',
        'Labels:        <none>',
        'Annotations:   pv.kubernetes.io/bind-completed: yes',
        'Finalizers:    [kubernetes.io/pvc-protection]',
        'Capacity:      1Gi',
        'Access Modes:  RWO',
        'VolumeMode:    Filesystem',
        'Used By:       web-0',
        'Events:        <none>',
        '',
      ].join('\n'),
    );
  });

  it('describes a storage class', () => {
    const sc = { metadata: { name: 'local-path', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'kubets.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' };
    expect(describeStorageClass(sc, { events: [], now: 0 })).toBe(
      [
        'Name:                  local-path',
        'IsDefaultClass:        Yes',
        'Annotations:           storageclass.kubernetes.io/is-default-class=true',
        'Provisioner:           kubets.io/local-path',
        'Parameters:            <none>',
        'AllowVolumeExpansion:  <unset>',
        'MountOptions:          <none>',
        'ReclaimPolicy:         Delete',
        'VolumeBindingMode:     WaitForFirstConsumer',
        'Events:                <none>',
        '',
      ].join('\n'),
    );
  });
});
