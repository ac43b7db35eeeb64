import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../api/generated/index.js';
import { isDefaultStorageClass } from '../../storage/classes.js';
import { age } from '../duration.js';
import { accessModesString, quantityString, storageClassOf } from './common.js';
import type { KindPrinter, RowContext } from './types.js';

// Our schema has no volumeAttributesClassName, so VOLUMEATTRIBUTESCLASS is always <unset>.
const UNSET = '<unset>';

export const persistentVolumePrinter: KindPrinter<PersistentVolume> = {
  columns: [
    { name: 'Name' },
    { name: 'Capacity' },
    { name: 'Access Modes' },
    { name: 'Reclaim Policy' },
    { name: 'Status' },
    { name: 'Claim' },
    { name: 'StorageClass' },
    { name: 'VolumeAttributesClass' },
    { name: 'Reason' },
    { name: 'Age' },
    { name: 'VolumeMode', wide: true },
  ],
  cells(pv: PersistentVolume, { now }: RowContext): string[] {
    const claim = pv.spec?.claimRef;
    return [
      pv.metadata?.name ?? '',
      quantityString(pv.spec?.capacity?.storage),
      accessModesString(pv.spec?.accessModes),
      pv.spec?.persistentVolumeReclaimPolicy ?? '',
      pv.metadata?.deletionTimestamp ? 'Terminating' : (pv.status?.phase ?? ''),
      claim ? `${claim.namespace ?? ''}/${claim.name ?? ''}` : '',
      storageClassOf(pv.spec?.storageClassName || undefined, pv.metadata?.annotations),
      UNSET,
      pv.status?.reason ?? '',
      age(pv.metadata?.creationTimestamp, now),
      pv.spec?.volumeMode ?? UNSET,
    ];
  },
};

export const persistentVolumeClaimPrinter: KindPrinter<PersistentVolumeClaim> = {
  columns: [
    { name: 'Name' },
    { name: 'Status' },
    { name: 'Volume' },
    { name: 'Capacity' },
    { name: 'Access Modes' },
    { name: 'StorageClass' },
    { name: 'VolumeAttributesClass' },
    { name: 'Age' },
    { name: 'VolumeMode', wide: true },
  ],
  cells(pvc: PersistentVolumeClaim, { now }: RowContext): string[] {
    // Capacity and access modes are those of the bound volume, so only shown once bound.
    const bound = Boolean(pvc.spec?.volumeName);
    return [
      pvc.metadata?.name ?? '',
      pvc.metadata?.deletionTimestamp ? 'Terminating' : (pvc.status?.phase ?? ''),
      pvc.spec?.volumeName ?? '',
      bound ? quantityString(pvc.status?.capacity?.storage) : '',
      bound ? accessModesString(pvc.status?.accessModes) : '',
      storageClassOf(pvc.spec?.storageClassName, pvc.metadata?.annotations),
      UNSET,
      age(pvc.metadata?.creationTimestamp, now),
      pvc.spec?.volumeMode ?? UNSET,
    ];
  },
};

export const storageClassPrinter: KindPrinter<StorageClass> = {
  columns: [
    { name: 'Name' },
    { name: 'Provisioner' },
    { name: 'ReclaimPolicy' },
    { name: 'VolumeBindingMode' },
    { name: 'AllowVolumeExpansion' },
    { name: 'Age' },
  ],
  cells(sc: StorageClass, { now }: RowContext): string[] {
    const name = sc.metadata?.name ?? '';
    return [
      isDefaultStorageClass(sc) ? `${name} (default)` : name,
      sc.provisioner ?? '',
      sc.reclaimPolicy ?? 'Delete',
      sc.volumeBindingMode ?? 'Immediate',
      String(sc.allowVolumeExpansion ?? false),
      age(sc.metadata?.creationTimestamp, now),
    ];
  },
};
