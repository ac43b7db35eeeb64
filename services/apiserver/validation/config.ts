import type { ConfigMap, Secret } from '../../../lib/api/generated/index.js';
import { goJsonSyntaxError } from '../../../lib/api/go-json-syntax.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError } from '../../../lib/validation/field-errors.js';
import { isConfigMapKey } from '../../../lib/validation/names.js';
import { semanticEqual } from './equality.js';
import { invalidEach, nameIsDNSSubdomain, validateImmutableField } from './helpers.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';

// ConfigMaps and Secrets (ValidateConfigMap, ValidateSecret and their updates). Both hold at most
// 1 MiB of data, under keys that become file names when mounted.

const MAX_DATA_SIZE_BYTES = 1024 * 1024;
const IMMUTABLE_WHEN_SET = 'field is immutable when `immutable` is set';

/** Keys a typed secret must carry. */
const REQUIRED_SECRET_KEYS: Record<string, readonly string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};
const JSON_SECRET_KEYS: Record<string, string> = {
  'kubernetes.io/dockercfg': '.dockercfg',
  'kubernetes.io/dockerconfigjson': '.dockerconfigjson',
};

export function validateConfigMap(configMap: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(configMap.metadata, true, nameIsDNSSubdomain);
  const binaryData = configMap.binaryData ?? {};
  let totalSize = 0;
  for (const [key, value] of Object.entries(configMap.data ?? {})) {
    const keyPath = field.root('data').key(key);
    errs.push(...invalidEach(keyPath, key, isConfigMapKey(key)));
    if (Object.prototype.hasOwnProperty.call(binaryData, key)) errs.push(field.invalid(keyPath, key, 'duplicate of key present in binaryData'));
    totalSize += Buffer.byteLength(value, 'utf8');
  }
  for (const [key, value] of Object.entries(binaryData)) {
    errs.push(...invalidEach(field.root('binaryData').key(key), key, isConfigMapKey(key)));
    totalSize += value.length;
  }
  // Kubernetes reports the size of the whole object on an empty path.
  if (totalSize > MAX_DATA_SIZE_BYTES) errs.push(field.tooLong(field.root(''), MAX_DATA_SIZE_BYTES));
  return errs;
}

export function validateConfigMapUpdate(configMap: ConfigMap, old: ConfigMap): FieldError[] {
  const errs = validateObjectMetaUpdate(configMap.metadata, old.metadata);
  if (old.immutable) {
    if (!configMap.immutable) errs.push(field.forbidden(field.root('immutable'), IMMUTABLE_WHEN_SET));
    if (!semanticEqual(configMap.data, old.data)) errs.push(field.forbidden(field.root('data'), IMMUTABLE_WHEN_SET));
    if (!semanticEqual(configMap.binaryData, old.binaryData)) errs.push(field.forbidden(field.root('binaryData'), IMMUTABLE_WHEN_SET));
  }
  errs.push(...validateConfigMap(configMap));
  return errs;
}

export function validateSecret(secret: Secret): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, true, nameIsDNSSubdomain);
  const dataPath = field.root('data');
  const data = secret.data ?? {};
  let totalSize = 0;
  for (const [key, value] of Object.entries(data)) {
    errs.push(...invalidEach(dataPath.key(key), key, isConfigMapKey(key)));
    totalSize += value.length;
  }
  if (totalSize > MAX_DATA_SIZE_BYTES) errs.push(field.tooLong(dataPath, MAX_DATA_SIZE_BYTES));
  const type = secret.type ?? '';
  const has = (key: string): boolean => Object.prototype.hasOwnProperty.call(data, key);
  switch (type) {
    case 'kubernetes.io/service-account-token':
      if (!secret.metadata?.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(field.required(field.root('metadata', 'annotations').key('kubernetes.io/service-account.name')));
      }
      break;
    case 'kubernetes.io/basic-auth':
      // Either may be empty, but one of them must be there.
      if (!has('username') && !has('password')) errs.push(field.required(dataPath.key('username')), field.required(dataPath.key('password')));
      break;
    case 'kubernetes.io/ssh-auth':
      if ((data['ssh-privatekey']?.length ?? 0) === 0) errs.push(field.required(dataPath.key('ssh-privatekey')));
      break;
    default:
      for (const key of REQUIRED_SECRET_KEYS[type] ?? []) if (!has(key)) errs.push(field.required(dataPath.key(key)));
  }
  const jsonKey = JSON_SECRET_KEYS[type];
  const jsonValue = jsonKey ? data[jsonKey] : undefined;
  if (jsonKey && jsonValue) {
    // Go's wording, as Kubernetes reports it, and never a stretch of the secret (V8's parse errors echo one).
    const problem = goJsonSyntaxError(jsonValue);
    if (problem) errs.push(field.invalid(dataPath.key(jsonKey), '<secret contents redacted>', problem));
  }
  return errs;
}

export function validateSecretUpdate(secret: Secret, old: Secret): FieldError[] {
  const errs = validateObjectMetaUpdate(secret.metadata, old.metadata);
  errs.push(...validateImmutableField(secret.type ?? '', old.type ?? '', field.root('type')));
  if (old.immutable) {
    if (!secret.immutable) errs.push(field.forbidden(field.root('immutable'), IMMUTABLE_WHEN_SET));
    if (!semanticEqual(secret.data, old.data)) errs.push(field.forbidden(field.root('data'), IMMUTABLE_WHEN_SET));
  }
  errs.push(...validateSecret(secret));
  return errs;
}
