import type {
  ConfigMapVolumeSource,
  DownwardAPIVolumeSource,
  HostPathVolumeSource,
  KeyToPath,
  NFSVolumeSource,
  ProjectedVolumeSource,
  SecretVolumeSource,
  Volume,
} from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { validateContainerResourceFieldSelector, validateObjectFieldSelector, VOLUME_FIELD_PATHS } from './downward-api.js';
import { validateDNS1123Label, validateFileMode } from './helpers.js';
import { validateLocalNonReservedPath, validatePathNoBacksteps } from './paths.js';
import { parseQuantityAt } from './resources.js';

// Pod volumes (ValidateVolumes and validateVolumeSource in pkg/apis/core/validation) for the
// volume sources kubets supports.

const SUPPORTED_HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

function validateKeyToPath(item: KeyToPath, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!item.key) errs.push(field.required(path.child('key')));
  if (!item.path) errs.push(field.required(path.child('path')));
  errs.push(...validateLocalNonReservedPath(item.path ?? '', path.child('path')));
  errs.push(...validateFileMode(item.mode, path.child('mode')));
  return errs;
}

export function validateHostPathVolumeSource(source: HostPathVolumeSource, path: FieldPath): FieldError[] {
  if (!source.path) return [field.required(path.child('path'))];
  const errs = validatePathNoBacksteps(source.path, path.child('path'));
  if (source.type !== undefined && !SUPPORTED_HOST_PATH_TYPES.includes(source.type)) {
    errs.push(field.notSupported(path.child('type'), source.type, SUPPORTED_HOST_PATH_TYPES));
  }
  return errs;
}

export function validateNFSVolumeSource(source: NFSVolumeSource, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!source.server) errs.push(field.required(path.child('server')));
  if (!source.path) errs.push(field.required(path.child('path')));
  if (!(source.path ?? '').startsWith('/')) errs.push(field.invalid(path.child('path'), source.path ?? '', 'must be an absolute path'));
  return errs;
}

function validateSecretVolumeSource(source: SecretVolumeSource, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!source.secretName) errs.push(field.required(path.child('secretName')));
  errs.push(...validateFileMode(source.defaultMode, path.child('defaultMode')));
  (source.items ?? []).forEach((item, i) => errs.push(...validateKeyToPath(item, path.child('items').index(i))));
  return errs;
}

function validateConfigMapVolumeSource(source: ConfigMapVolumeSource, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!source.name) errs.push(field.required(path.child('name')));
  errs.push(...validateFileMode(source.defaultMode, path.child('defaultMode')));
  (source.items ?? []).forEach((item, i) => errs.push(...validateKeyToPath(item, path.child('items').index(i))));
  return errs;
}

function validateDownwardAPIVolumeSource(source: DownwardAPIVolumeSource, path: FieldPath): FieldError[] {
  const errs = validateFileMode(source.defaultMode, path.child('defaultMode'));
  // Kubernetes reports the items' errors on the volume source's path, without the item index.
  for (const item of source.items ?? []) {
    if (!item.path) errs.push(field.required(path.child('path')));
    errs.push(...validateLocalNonReservedPath(item.path ?? '', path.child('path')));
    if (item.fieldRef) {
      errs.push(...validateObjectFieldSelector(item.fieldRef, VOLUME_FIELD_PATHS, path.child('fieldRef')));
      if (item.resourceFieldRef) {
        errs.push(field.invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
      }
    } else if (item.resourceFieldRef) {
      errs.push(...validateContainerResourceFieldSelector(item.resourceFieldRef, path.child('resourceFieldRef'), true));
    } else {
      errs.push(field.required(path, 'one of fieldRef and resourceFieldRef is required'));
    }
    errs.push(...validateFileMode(item.mode, path.child('mode')));
  }
  return errs;
}

/** Each projection has exactly one source; a token needs a path and at least 10 minutes (validateProjectedVolumeSource). */
function validateProjectedVolumeSource(source: ProjectedVolumeSource, path: FieldPath): FieldError[] {
  const errs = validateFileMode(source.defaultMode, path.child('defaultMode'));
  (source.sources ?? []).forEach((projection, i) => {
    const at = path.child('sources').index(i);
    const kinds = [projection.secret, projection.configMap, projection.downwardAPI, projection.serviceAccountToken].filter(Boolean).length;
    if (kinds !== 1) errs.push(field.forbidden(at, 'may not specify more than 1 volume type per source'));
    if (projection.secret) (projection.secret.items ?? []).forEach((item, j) => errs.push(...validateKeyToPath(item, at.child('secret', 'items').index(j))));
    if (projection.configMap) (projection.configMap.items ?? []).forEach((item, j) => errs.push(...validateKeyToPath(item, at.child('configMap', 'items').index(j))));
    if (projection.downwardAPI) errs.push(...validateDownwardAPIVolumeSource({ items: projection.downwardAPI.items }, at.child('downwardAPI')));
    const token = projection.serviceAccountToken;
    if (token) {
      const tokenPath = at.child('serviceAccountToken');
      const seconds = Number(token.expirationSeconds ?? 3600);
      if (seconds < 600) errs.push(field.invalid(tokenPath.child('expirationSeconds'), seconds, 'may not specify a duration less than 10 minutes'));
      if (seconds > 2 ** 32) errs.push(field.invalid(tokenPath.child('expirationSeconds'), seconds, 'may not specify a duration larger than 2^32 seconds'));
      if (!token.path) errs.push(field.required(tokenPath.child('path')));
      else errs.push(...validateLocalNonReservedPath(token.path, tokenPath.child('path')));
    }
  });
  return errs;
}

/** Exactly one source, checked in Kubernetes' order so the same one is reported as extra. */
function validateVolumeSource(volume: Volume, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let sources = 0;
  const use = (name: string, check: () => FieldError[]): void => {
    if (sources > 0) {
      errs.push(field.forbidden(path.child(name), 'may not specify more than 1 volume type'));
    } else {
      sources++;
      errs.push(...check());
    }
  };
  const { emptyDir, hostPath, secret, nfs, persistentVolumeClaim, downwardAPI, configMap, projected } = volume;
  if (emptyDir) {
    sources++;
    if (emptyDir.sizeLimit) {
      const quantity = parseQuantityAt(emptyDir.sizeLimit, path.child('emptyDir', 'sizeLimit'), errs);
      if (quantity && quantity.sign() < 0) {
        errs.push(field.forbidden(path.child('emptyDir', 'sizeLimit'), 'SizeLimit field must be a valid resource quantity'));
      }
    }
  }
  if (hostPath) use('hostPath', () => validateHostPathVolumeSource(hostPath, path.child('hostPath')));
  if (secret) use('secret', () => validateSecretVolumeSource(secret, path.child('secret')));
  if (nfs) use('nfs', () => validateNFSVolumeSource(nfs, path.child('nfs')));
  if (persistentVolumeClaim) {
    use('persistentVolumeClaim', () =>
      persistentVolumeClaim.claimName ? [] : [field.required(path.child('persistentVolumeClaim', 'claimName'))],
    );
  }
  // "downwarAPI" is Kubernetes' own spelling of this path in the extra-source error.
  if (downwardAPI) use('downwarAPI', () => validateDownwardAPIVolumeSource(downwardAPI, path.child('downwardAPI')));
  if (configMap) use('configMap', () => validateConfigMapVolumeSource(configMap, path.child('configMap')));
  if (projected) use('projected', () => validateProjectedVolumeSource(projected, path.child('projected')));
  if (sources === 0) errs.push(field.required(path, 'must specify a volume type'));
  return errs;
}

/** Validates the pod's volumes and returns the valid ones by name, for volume mounts to refer to. */
export function validateVolumes(volumes: Volume[] | undefined, path: FieldPath): { byName: Map<string, Volume>; errs: FieldError[] } {
  const byName = new Map<string, Volume>();
  const errs: FieldError[] = [];
  (volumes ?? []).forEach((volume, i) => {
    const volumePath = path.index(i);
    const namePath = volumePath.child('name');
    const name = volume.name ?? '';
    const volumeErrs = validateVolumeSource(volume, volumePath);
    if (!name) volumeErrs.push(field.required(namePath));
    else volumeErrs.push(...validateDNS1123Label(name, namePath));
    if (byName.has(name)) volumeErrs.push(field.duplicate(namePath, name));
    if (volumeErrs.length === 0) byName.set(name, volume);
    else errs.push(...volumeErrs);
  });
  return { byName, errs };
}
