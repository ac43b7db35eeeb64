import type { PersistentVolume, PersistentVolumeClaim } from '../../../lib/api/generated/index.js';
import { defaultPersistentVolume, defaultPersistentVolumeClaim } from '../defaults/storage.js';
import {
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimUpdate,
  validatePersistentVolumeUpdate,
} from '../validation/storage.js';
import { validateStatusMetadata } from './status.js';
import type { KindStrategy } from './types.js';

export const persistentVolumeStrategy: KindStrategy<PersistentVolume> = {
  defaults: defaultPersistentVolume,
  validateCreate: validatePersistentVolume,
  validateUpdate: validatePersistentVolumeUpdate,
  status: { initial: () => ({ phase: 'Pending' }), validateUpdate: validateStatusMetadata },
  tracksGeneration: true,
};

export const persistentVolumeClaimStrategy: KindStrategy<PersistentVolumeClaim> = {
  defaults: defaultPersistentVolumeClaim,
  validateCreate: validatePersistentVolumeClaim,
  validateUpdate: validatePersistentVolumeClaimUpdate,
  status: { initial: () => ({ phase: 'Pending' }), validateUpdate: validateStatusMetadata },
  tracksGeneration: true,
  hooks: (plugins) => [plugins.limitRanger.claims],
};
