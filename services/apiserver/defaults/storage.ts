import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../../lib/api/generated/index.js';
import { defaultResourceList } from './quantities.js';

// Kubernetes' SetDefaults_PersistentVolume, SetDefaults_PersistentVolumeClaim(Spec).

export function defaultPersistentVolume(pv: PersistentVolume): void {
  pv.spec ??= {};
  pv.spec.persistentVolumeReclaimPolicy ||= 'Retain';
  pv.spec.volumeMode ??= 'Filesystem';
  if (pv.spec.hostPath) pv.spec.hostPath.type ??= '';
  defaultResourceList(pv.spec.capacity);
  pv.status ??= {};
  pv.status.phase ||= 'Pending';
}

export function defaultPersistentVolumeClaim(pvc: PersistentVolumeClaim): void {
  pvc.spec ??= {};
  pvc.spec.volumeMode ??= 'Filesystem';
  defaultResourceList(pvc.spec.resources?.requests);
  defaultResourceList(pvc.spec.resources?.limits);
  pvc.status ??= {};
  pvc.status.phase ||= 'Pending';
}

export function defaultStorageClass(sc: StorageClass): void {
  sc.reclaimPolicy ??= 'Delete';
  sc.volumeBindingMode ??= 'Immediate';
}
