import type { PersistentVolumeClaim, StorageClass } from '../api/generated/index.js';
import { compareStrings } from '../printers/order.js';

/** The annotation that makes a class the default for claims that name none, and its beta form. */
export const DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const BETA_DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';
/** The class of claims and volumes from before storageClassName existed; it wins over the field. */
const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

export function isDefaultStorageClass(sc: StorageClass): boolean {
  const annotations = sc.metadata?.annotations ?? {};
  return annotations[DEFAULT_STORAGE_CLASS_ANNOTATION] === 'true' || annotations[BETA_DEFAULT_STORAGE_CLASS_ANNOTATION] === 'true';
}

/**
 * The default class among `classes`: with several defaults, the newest wins (then the first by
 * name), as Kubernetes picks since 1.26.
 */
export function defaultStorageClass(classes: readonly StorageClass[]): StorageClass | undefined {
  const defaults = classes.filter(isDefaultStorageClass);
  defaults.sort((a, b) => {
    const byAge = compareStrings(b.metadata?.creationTimestamp ?? '', a.metadata?.creationTimestamp ?? '');
    return byAge !== 0 ? byAge : compareStrings(a.metadata?.name ?? '', b.metadata?.name ?? '');
  });
  return defaults[0];
}

/** A claim's class name ('' for none), the beta annotation first as Kubernetes reads it. */
export function claimClassName(claim: PersistentVolumeClaim): string {
  return claim.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? claim.spec?.storageClassName ?? '';
}
