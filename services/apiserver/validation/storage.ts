import type { LocalVolumeSource, PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec, StorageClass } from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { isQualifiedName } from '../../../lib/validation/names.js';
import { describeDifferences, semanticEqual } from './equality.js';
import { invalidEach, nameIsDNSSubdomain, validateImmutableField } from './helpers.js';
import { validateLabelSelector } from './labels.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { validatePathNoBacksteps } from './paths.js';
import { validateNodeSelector } from './scheduling.js';
import { parseQuantityAt, validatePositiveQuantityValue, validateResourceQuantityValue } from './resources.js';
import { validateHostPathVolumeSource, validateNFSVolumeSource } from './volumes.js';

// PersistentVolumes and PersistentVolumeClaims (ValidatePersistentVolume(Spec),
// ValidatePersistentVolumeClaim(Spec) and their updates) for the volume sources kubets has.

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
const VOLUME_MODES = ['Block', 'Filesystem'];

function validateAccessModes(modes: string[] | undefined, path: FieldPath, requiredDetail: string): FieldError[] {
  const list = modes ?? [];
  const errs: FieldError[] = [];
  if (list.length === 0) errs.push(field.required(path, requiredDetail));
  let readWriteOncePod = false;
  let others = false;
  for (const mode of list) {
    if (!ACCESS_MODES.includes(mode)) errs.push(field.notSupported(path, mode, ACCESS_MODES));
    else if (mode === 'ReadWriteOncePod') readWriteOncePod = true;
    else others = true;
  }
  if (readWriteOncePod && others) errs.push(field.forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

function validateClassName(name: string | undefined, path: FieldPath): FieldError[] {
  return name ? invalidEach(path, name, nameIsDNSSubdomain(name, false)) : [];
}

function validateVolumeMode(mode: string | undefined, path: FieldPath): FieldError[] {
  return mode !== undefined && !VOLUME_MODES.includes(mode) ? [field.notSupported(path, mode, VOLUME_MODES)] : [];
}

function validateLocalVolumeSource(source: LocalVolumeSource, path: FieldPath): FieldError[] {
  if (!source.path) return [field.required(path.child('path'))];
  return source.path.startsWith('/') ? validatePathNoBacksteps(source.path, path.child('path')) : [field.invalid(path.child('path'), source.path, 'must be an absolute path')];
}

function validatePersistentVolumeSpec(pv: PersistentVolume): FieldError[] {
  const path = field.root('spec');
  const spec = pv.spec ?? {};
  const errs = validateAccessModes(spec.accessModes, path.child('accessModes'), '');
  const capacity = spec.capacity ?? {};
  const capacityPath = path.child('capacity');
  if (Object.keys(capacity).length === 0) errs.push(field.required(capacityPath));
  if (!Object.prototype.hasOwnProperty.call(capacity, 'storage') || Object.keys(capacity).length > 1) {
    errs.push(field.notSupported(capacityPath, spec.capacity ?? null, ['storage']));
  }
  for (const [name, value] of Object.entries(capacity)) {
    const quantity = parseQuantityAt(value, capacityPath.key(name), errs);
    if (!quantity) continue;
    if (quantity.sign() < 0) errs.push(field.invalid(capacityPath.key(name), Number(quantity.value()), 'must be a valid resource quantity'));
    errs.push(...validatePositiveQuantityValue(quantity, capacityPath.key(name)));
  }
  const reclaimPolicy = spec.persistentVolumeReclaimPolicy;
  if (reclaimPolicy && !RECLAIM_POLICIES.includes(reclaimPolicy)) {
    errs.push(field.notSupported(path.child('persistentVolumeReclaimPolicy'), reclaimPolicy, RECLAIM_POLICIES));
  }
  let sources = 0;
  if (spec.hostPath) {
    sources++;
    errs.push(...validateHostPathVolumeSource(spec.hostPath, path.child('hostPath')));
  }
  if (spec.nfs) {
    if (sources > 0) errs.push(field.forbidden(path.child('nfs'), 'may not specify more than 1 volume type'));
    else errs.push(...validateNFSVolumeSource(spec.nfs, path.child('nfs')));
    sources++;
  }
  if (spec.local) {
    if (sources > 0) errs.push(field.forbidden(path.child('local'), 'may not specify more than 1 volume type'));
    else errs.push(...validateLocalVolumeSource(spec.local, path.child('local')));
    sources++;
    // A local volume is only reachable on its node, so it must say which.
    if (!spec.nodeAffinity) errs.push(field.required(path.child('nodeAffinity'), 'Local volume requires node affinity'));
  }
  if (sources === 0) errs.push(field.required(path, 'must specify a volume type'));
  if (spec.nodeAffinity) {
    const affinityPath = path.child('nodeAffinity');
    const required = spec.nodeAffinity.required;
    if (!required) errs.push(field.required(affinityPath.child('required'), 'must specify required node constraints'));
    else errs.push(...validateNodeSelector(required, affinityPath.child('required')));
  }
  if (reclaimPolicy === 'Recycle') {
    // Kubernetes deprecated the recycler (rm -rf of the volume's files) and kubets has none.
    errs.push(field.forbidden(path.child('persistentVolumeReclaimPolicy'), 'Recycle is not supported: use Retain, or Delete with a provisioner'));
  }
  errs.push(...validateClassName(spec.storageClassName, path.child('storageClassName')));
  errs.push(...validateVolumeMode(spec.volumeMode, path.child('volumeMode')));
  return errs;
}

export function validatePersistentVolume(pv: PersistentVolume): FieldError[] {
  return [...validateObjectMeta(pv.metadata, false, nameIsDNSSubdomain), ...validatePersistentVolumeSpec(pv)];
}

/** Where a volume's data lives never changes once the volume exists. */
export function validatePersistentVolumeUpdate(pv: PersistentVolume, old: PersistentVolume): FieldError[] {
  const errs = [...validateObjectMetaUpdate(pv.metadata, old.metadata), ...validatePersistentVolume(pv)];
  const source = { hostPath: pv.spec?.hostPath, nfs: pv.spec?.nfs, local: pv.spec?.local };
  const oldSource = { hostPath: old.spec?.hostPath, nfs: old.spec?.nfs, local: old.spec?.local };
  if (!semanticEqual(source, oldSource)) {
    const diff = describeDifferences(oldSource, source).join('\n');
    errs.push(field.forbidden(field.root('spec', 'persistentvolumesource'), `spec.persistentvolumesource is immutable after creation\n${diff}`));
  }
  // Kubernetes names this path without its "spec." prefix.
  errs.push(...validateImmutableField(pv.spec?.volumeMode, old.spec?.volumeMode, field.root('volumeMode')));
  return errs;
}

/** A claim's spec, also a StatefulSet's volumeClaimTemplates[i].spec. */
export function validatePersistentVolumeClaimSpec(spec: PersistentVolumeClaimSpec, path: FieldPath): FieldError[] {
  const errs = [
    ...validateAccessModes(spec.accessModes, path.child('accessModes'), 'at least 1 access mode is required'),
    ...validateLabelSelector(spec.selector, path.child('selector')),
  ];
  const storagePath = path.child('resources').key('storage');
  const storage = spec.resources?.requests?.storage;
  if (storage === undefined) {
    errs.push(field.required(storagePath));
  } else {
    const quantity = parseQuantityAt(storage, storagePath, errs);
    if (quantity) {
      const positive = validatePositiveQuantityValue(quantity, storagePath);
      errs.push(...(positive.length > 0 ? positive : validateResourceQuantityValue('storage', quantity, storagePath)));
    }
  }
  errs.push(...validateClassName(spec.storageClassName, path.child('storageClassName')));
  errs.push(...validateVolumeMode(spec.volumeMode, path.child('volumeMode')));
  return errs;
}

export function validatePersistentVolumeClaim(pvc: PersistentVolumeClaim): FieldError[] {
  return [...validateObjectMeta(pvc.metadata, true, nameIsDNSSubdomain), ...validatePersistentVolumeClaimSpec(pvc.spec ?? {}, field.root('spec'))];
}

/**
 * A claim's spec is fixed, except that volumeName may be set once (by the binder) and a bound
 * claim may ask for more storage.
 */
export function validatePersistentVolumeClaimUpdate(pvc: PersistentVolumeClaim, old: PersistentVolumeClaim): FieldError[] {
  const errs = [...validateObjectMetaUpdate(pvc.metadata, old.metadata), ...validatePersistentVolumeClaim(pvc)];
  const spec = structuredClone(pvc.spec ?? {});
  const oldSpec = structuredClone(old.spec ?? {});
  if (!oldSpec.volumeName) oldSpec.volumeName = spec.volumeName;
  const bound = pvc.status?.phase === 'Bound';
  if (bound && spec.resources?.requests) spec.resources.requests.storage = oldSpec.resources?.requests?.storage ?? '';
  if (!semanticEqual(spec, oldSpec)) {
    const diff = describeDifferences(oldSpec, spec).join('\n');
    errs.push(
      field.forbidden(field.root('spec'), `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${diff}`),
    );
  }
  const storagePath = field.root('spec', 'resources', 'requests', 'storage');
  const size = pvc.spec?.resources?.requests?.storage;
  const oldSize = old.spec?.resources?.requests?.storage;
  // A malformed size was already reported by the claim's own validation.
  const quantity = size === undefined ? undefined : parseQuantityAt(size, storagePath, []);
  const oldQuantity = oldSize === undefined ? undefined : parseQuantityAt(oldSize, storagePath, []);
  if (quantity && oldQuantity && quantity.cmp(oldQuantity) < 0) {
    errs.push(field.forbidden(storagePath, 'field can not be less than previous value'));
  }
  errs.push(...validateImmutableField(pvc.spec?.volumeMode, old.spec?.volumeMode, field.root('volumeMode')));
  return errs;
}

const STORAGE_CLASS_RECLAIM_POLICIES = ['Delete', 'Retain'];
const VOLUME_BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];
/** Kubernetes' cap on the parameters of one class, keys and values together. */
const MAX_PARAMETERS_BYTES = 256 * 1024;

function validateStorageClassFields(sc: StorageClass): FieldError[] {
  const errs: FieldError[] = [];
  const provisionerPath = field.root('provisioner');
  if (!sc.provisioner) errs.push(field.required(provisionerPath));
  else {
    errs.push(...invalidEach(provisionerPath, sc.provisioner, isQualifiedName(sc.provisioner.toLowerCase())));
  }
  const parameters = sc.parameters ?? {};
  let size = 0;
  for (const [key, value] of Object.entries(parameters)) {
    if (key === '') errs.push(field.invalid(field.root('parameters'), parameters, 'invalid empty parameter name'));
    size += key.length + value.length;
  }
  if (size > MAX_PARAMETERS_BYTES) errs.push(field.tooLong(field.root('parameters'), MAX_PARAMETERS_BYTES));
  const reclaim = sc.reclaimPolicy;
  if (reclaim !== undefined && !STORAGE_CLASS_RECLAIM_POLICIES.includes(reclaim)) {
    errs.push(field.notSupported(field.root('reclaimPolicy'), reclaim, STORAGE_CLASS_RECLAIM_POLICIES));
  }
  const mode = sc.volumeBindingMode;
  if (mode === undefined) errs.push(field.required(field.root('volumeBindingMode')));
  else if (!VOLUME_BINDING_MODES.includes(mode)) errs.push(field.notSupported(field.root('volumeBindingMode'), mode, VOLUME_BINDING_MODES));
  return errs;
}

export function validateStorageClass(sc: StorageClass): FieldError[] {
  return [...validateObjectMeta(sc.metadata, false, nameIsDNSSubdomain), ...validateStorageClassFields(sc)];
}

/** Only metadata and allowVolumeExpansion change after creation, as in Kubernetes. */
export function validateStorageClassUpdate(sc: StorageClass, old: StorageClass): FieldError[] {
  const errs = [...validateObjectMetaUpdate(sc.metadata, old.metadata), ...validateStorageClassFields(sc)];
  if (!semanticEqual(sc.parameters ?? {}, old.parameters ?? {})) errs.push(field.forbidden(field.root('parameters'), 'updates to parameters are forbidden.'));
  if (sc.provisioner !== old.provisioner) errs.push(field.forbidden(field.root('provisioner'), 'updates to provisioner are forbidden.'));
  if (sc.reclaimPolicy !== old.reclaimPolicy) errs.push(field.forbidden(field.root('reclaimPolicy'), 'updates to reclaimPolicy are forbidden.'));
  errs.push(...validateImmutableField(sc.volumeBindingMode, old.volumeBindingMode, field.root('volumeBindingMode')));
  return errs;
}
