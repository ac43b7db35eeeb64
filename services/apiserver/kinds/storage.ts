import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../../lib/api/generated/index.js';
import { defaultPersistentVolume, defaultPersistentVolumeClaim, defaultStorageClass } from '../defaults/storage.js';
import {
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimUpdate,
  validatePersistentVolumeUpdate,
  validateStorageClass,
  validateStorageClassUpdate,
} from '../validation/storage.js';
import { validateStatusMetadata } from './status.js';
import type { KindStrategy } from './types.js';

export const persistentVolumeStrategy: KindStrategy<PersistentVolume> = {
  defaults: defaultPersistentVolume,
  validateCreate: validatePersistentVolume,
  validateUpdate: validatePersistentVolumeUpdate,
  status: { initial: () => ({ phase: 'Pending' }), validateUpdate: validateStatusMetadata },
  tracksGeneration: false,
};

export const persistentVolumeClaimStrategy: KindStrategy<PersistentVolumeClaim> = {
  defaults: defaultPersistentVolumeClaim,
  validateCreate: validatePersistentVolumeClaim,
  validateUpdate: validatePersistentVolumeClaimUpdate,
  status: { initial: () => ({ phase: 'Pending' }), validateUpdate: validateStatusMetadata },
  tracksGeneration: false,
  hooks: (plugins) => [plugins.limitRanger.claims, plugins.defaultStorageClass],
};

export const storageClassStrategy: KindStrategy<StorageClass> = {
  defaults: defaultStorageClass,
  validateCreate: validateStorageClass,
  validateUpdate: validateStorageClassUpdate,
  tracksGeneration: false,
};
