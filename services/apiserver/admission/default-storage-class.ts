import type { PersistentVolumeClaim, StorageClass } from '../../../lib/api/generated/index.js';
import { claimClassName, defaultStorageClass } from '../../../lib/storage/classes.js';
import type { KindHooks } from '../kinds/index.js';

/**
 * Kubernetes' DefaultStorageClass admission: a new claim that names no class (the field absent,
 * not "", which asks for no class) gets the cluster's default class, if there is one.
 */
export class DefaultStorageClassAdmission implements KindHooks<PersistentVolumeClaim> {
  constructor(private readonly listClasses: () => Promise<StorageClass[]>) {}

  async admit(op: 'create' | 'update', claim: PersistentVolumeClaim): Promise<void> {
    if (op !== 'create') return;
    const spec = (claim.spec ??= {});
    if (spec.storageClassName !== undefined || claimClassName(claim) !== '') return;
    const chosen = defaultStorageClass(await this.listClasses());
    if (chosen?.metadata?.name) spec.storageClassName = chosen.metadata.name;
  }
}
