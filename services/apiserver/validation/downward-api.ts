import type { ObjectFieldSelector, ResourceFieldSelector } from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { isQualifiedName } from '../../../lib/validation/names.js';
import { invalidEach } from './helpers.js';

// The downward API: which pod and container fields environment variables and volume files may
// expose (validateObjectFieldSelector, validateContainerResourceFieldSelector and
// pods.ConvertDownwardAPIFieldLabel in Kubernetes).

export const ENV_FIELD_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];

// Every field label the downward API can convert; the env and volume lists above narrow it.
const DOWNWARD_API_FIELD_LABELS = new Set([
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.serviceAccountName',
  'spec.schedulerName',
  'status.phase',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
  'spec.host',
]);

const HUGEPAGES_FIELD_PATH_PREFIXES = ['limits.hugepages-', 'requests.hugepages-'];
const CONTAINER_RESOURCE_FIELD_PATHS = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];
export const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];

// fieldpath.SplitMaybeSubscriptedPath: `metadata.labels['app']` is a path and a subscript.
function splitSubscript(fieldPath: string): { path: string; subscript?: string } {
  if (!fieldPath.endsWith("']")) return { path: fieldPath };
  const inner = fieldPath.slice(0, -2);
  const at = inner.indexOf("['");
  if (at <= 0) return { path: fieldPath };
  return { path: inner.slice(0, at), subscript: inner.slice(at + 2) };
}

// pods.ConvertDownwardAPIFieldLabel: which pod fields the downward API can read at all.
function downwardAPIFieldError(apiVersion: string, fieldPath: string): string | undefined {
  if (apiVersion !== 'v1') return `unsupported pod version: ${apiVersion}`;
  const { path, subscript } = splitSubscript(fieldPath);
  if (subscript !== undefined) {
    return path === 'metadata.annotations' || path === 'metadata.labels'
      ? undefined
      : `field label does not support subscript: ${fieldPath}`;
  }
  return DOWNWARD_API_FIELD_LABELS.has(fieldPath) ? undefined : `field label not supported: ${fieldPath}`;
}

export function validateObjectFieldSelector(
  selector: ObjectFieldSelector,
  expressions: readonly string[],
  path: FieldPath,
): FieldError[] {
  if (!selector.apiVersion) return [field.required(path.child('apiVersion'))];
  if (!selector.fieldPath) return [field.required(path.child('fieldPath'))];
  const conversionError = downwardAPIFieldError(selector.apiVersion, selector.fieldPath);
  if (conversionError) {
    return [field.invalid(path.child('fieldPath'), selector.fieldPath, `error converting fieldPath: ${conversionError}`)];
  }
  const fieldPath = selector.fieldPath === 'spec.host' ? 'spec.nodeName' : selector.fieldPath;
  const { path: base, subscript } = splitSubscript(fieldPath);
  if (subscript !== undefined) {
    switch (base) {
      case 'metadata.annotations':
        return invalidEach(path, subscript.toLowerCase(), isQualifiedName(subscript.toLowerCase()));
      case 'metadata.labels':
        return invalidEach(path, subscript, isQualifiedName(subscript));
      default:
        return [field.invalid(path, base, 'does not support subscript')];
    }
  }
  return expressions.includes(base) ? [] : [field.notSupported(path.child('fieldPath'), base, [...expressions].sort())];
}

// Kubernetes validates the divisor against the resource; the rules only differ in which unit
// spellings they accept.
const MEMORY_DIVISORS = ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'];

function validateDivisor(resource: string, divisor: string | undefined, path: FieldPath): FieldError[] {
  if (!divisor || divisor === '0') return [];
  const listed = MEMORY_DIVISORS.join(', ');
  const check = (allowed: readonly string[], message: string): FieldError[] =>
    allowed.includes(divisor) ? [] : [field.invalid(path.child('divisor'), resource, message)];
  switch (resource) {
    case 'limits.cpu':
    case 'requests.cpu':
      return check(['1m', '1'], "only divisor's values 1m and 1 are supported with the cpu resource");
    case 'limits.memory':
    case 'requests.memory':
      return check(MEMORY_DIVISORS, `only divisor's values ${listed} are supported with the memory resource`);
    case 'limits.ephemeral-storage':
    case 'requests.ephemeral-storage':
      return check(MEMORY_DIVISORS, `only divisor's values ${listed} are supported with the local ephemeral storage resource`);
  }
  if (HUGEPAGES_FIELD_PATH_PREFIXES.some((prefix) => resource.startsWith(prefix))) {
    return check(MEMORY_DIVISORS, `only divisor's values ${listed} are supported with the hugepages resource`);
  }
  return [];
}

export function validateContainerResourceFieldSelector(
  selector: ResourceFieldSelector,
  path: FieldPath,
  inVolume: boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  const resource = selector.resource ?? '';
  if (inVolume && !selector.containerName) {
    errs.push(field.required(path.child('containerName')));
  } else if (!resource) {
    errs.push(field.required(path.child('resource')));
  } else if (
    !CONTAINER_RESOURCE_FIELD_PATHS.includes(resource) &&
    !HUGEPAGES_FIELD_PATH_PREFIXES.some((prefix) => resource.startsWith(prefix))
  ) {
    errs.push(field.notSupported(path.child('resource'), resource, CONTAINER_RESOURCE_FIELD_PATHS));
  }
  errs.push(...validateDivisor(resource, selector.divisor, path));
  return errs;
}

