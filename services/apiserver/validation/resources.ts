import type { ResourceRequirements } from '../../../lib/api/generated/index.js';
import { parseQuantity, Quantity, QuantityError } from '../../../lib/quantity.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { isQualifiedName } from '../../../lib/validation/names.js';
import { invalidEach, IS_NEGATIVE_ERROR_MSG, IS_NOT_POSITIVE_ERROR_MSG } from './helpers.js';

// Resource names and quantities (pkg/apis/core/helper and the resource parts of core validation).
// Kubernetes rejects a malformed quantity while decoding JSON; ours are strings until here, so a
// value that does not parse is reported on its own field with the parser's message.

const HUGEPAGES_PREFIX = 'hugepages-';
const REQUESTS_PREFIX = 'requests.';
const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);
const INTEGER_RESOURCES = new Set([
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

export function isHugePageResourceName(name: string): boolean {
  return name.startsWith(HUGEPAGES_PREFIX);
}

/** Unprefixed names and names under kubernetes.io belong to Kubernetes. */
function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** A device-plugin resource such as `example.com/gpu`: whole units, never overcommitted. */
function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith(REQUESTS_PREFIX)) return false;
  return isQualifiedName(`${REQUESTS_PREFIX}${name}`).length === 0;
}

export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePageResourceName(name);
}

function isIntegerResourceName(name: string): boolean {
  return INTEGER_RESOURCES.has(name) || isExtendedResourceName(name);
}

function isStandardResourceName(name: string): boolean {
  return STANDARD_RESOURCES.has(name) || isHugePageResourceName(name) || name.startsWith(`${REQUESTS_PREFIX}${HUGEPAGES_PREFIX}`);
}

/** Parses a quantity, reporting a malformed one as an Invalid error on `path`. */
export function parseQuantityAt(value: string, path: FieldPath, errs: FieldError[]): Quantity | undefined {
  try {
    return parseQuantity(value);
  } catch (err) {
    if (!(err instanceof QuantityError)) throw err;
    errs.push(field.invalid(path, value, err.message));
    return undefined;
  }
}

export function validateResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = invalidEach(path, name, isQualifiedName(name));
  if (errs.length > 0) return errs;
  if (!name.includes('/') && !isStandardResourceName(name)) {
    return [field.invalid(path, name, 'must be a standard resource type or fully qualified')];
  }
  return [];
}

export function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePageResourceName(name)) {
      errs.push(field.invalid(path, name, 'must be a standard resource for containers'));
    }
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(field.invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** ValidateResourceQuantityValue: never negative, whole units for countable resources. */
export function validateResourceQuantityValue(name: string, quantity: Quantity, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (quantity.sign() < 0) errs.push(field.invalid(path, quantity.toString(), IS_NEGATIVE_ERROR_MSG));
  if (isIntegerResourceName(name) && quantity.milliValue() % 1000n !== 0n) {
    errs.push(field.invalid(path, quantity.toString(), 'must be an integer'));
  }
  return errs;
}

export function validatePositiveQuantityValue(quantity: Quantity, path: FieldPath): FieldError[] {
  return quantity.sign() <= 0 ? [field.invalid(path, quantity.toString(), IS_NOT_POSITIVE_ERROR_MSG)] : [];
}

/** A huge page request must be a whole number of pages (`hugepages-2Mi: 3Mi` is not). */
function hugePageValueError(name: string, quantity: Quantity): string | undefined {
  let pageSize: Quantity;
  try {
    pageSize = parseQuantity(name.slice(HUGEPAGES_PREFIX.length));
  } catch {
    return undefined;
  }
  if (pageSize.sign() > 0 && quantity.nanoValue() % pageSize.nanoValue() === 0n) return undefined;
  return `${quantity.toString()} is not positive integer multiple of ${name}`;
}

/** A container's requests and limits: known names, valid amounts, requests within limits. */
export function validateContainerResourceRequirements(
  requirements: ResourceRequirements | undefined,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const limitsPath = path.child('limits');
  const requestsPath = path.child('requests');
  const limits = new Map<string, Quantity>();
  let hasCPUOrMemory = false;
  let hasHugePages = false;

  const checkEntry = (name: string, value: string, entryPath: FieldPath): Quantity | undefined => {
    errs.push(...validateContainerResourceName(name, entryPath));
    const quantity = parseQuantityAt(value, entryPath, errs);
    if (!quantity) return undefined;
    errs.push(...validateResourceQuantityValue(name, quantity, entryPath));
    if (isHugePageResourceName(name)) {
      hasHugePages = true;
      const message = hugePageValueError(name, quantity);
      if (message) errs.push(field.invalid(entryPath, quantity.toString(), message));
    }
    if (name === 'cpu' || name === 'memory') hasCPUOrMemory = true;
    return quantity;
  };

  for (const [name, value] of Object.entries(requirements?.limits ?? {})) {
    const quantity = checkEntry(name, value, limitsPath.key(name));
    if (quantity) limits.set(name, quantity);
  }
  for (const [name, value] of Object.entries(requirements?.requests ?? {})) {
    const quantity = checkEntry(name, value, requestsPath.key(name));
    if (!quantity) continue;
    const limit = limits.get(name);
    if (limit) {
      if (quantity.cmp(limit) !== 0 && !isOvercommitAllowed(name)) {
        errs.push(field.invalid(requestsPath, quantity.toString(), `must be equal to ${name} limit of ${limit.toString()}`));
      } else if (quantity.cmp(limit) > 0) {
        errs.push(field.invalid(requestsPath, quantity.toString(), `must be less than or equal to ${name} limit of ${limit.toString()}`));
      }
    } else if (!isOvercommitAllowed(name) && !Object.prototype.hasOwnProperty.call(requirements?.limits ?? {}, name)) {
      errs.push(field.required(limitsPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  if (!hasCPUOrMemory && hasHugePages) errs.push(field.forbidden(path, 'HugePages require cpu or memory'));
  return errs;
}
