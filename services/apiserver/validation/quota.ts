import type { LimitRange, LimitRangeItem, ResourceQuota, ResourceQuotaSpec, ResourceQuotaStatus } from '../../../lib/api/generated/index.js';
import type { Quantity } from '../../../lib/quantity.js';
import { QUOTA_SCOPES } from '../../../lib/quota/scopes.js';
import { POD_COMPUTE_NAMES } from '../../../lib/quota/usage.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { nameIsDNSSubdomain } from './helpers.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import {
  isHugePageResourceName,
  isOvercommitAllowed,
  parseQuantityAt,
  validateContainerResourceName,
  validateResourceName,
  validateResourceQuantityValue,
} from './resources.js';

// ResourceQuotas and LimitRanges (ValidateResourceQuota, ValidateLimitRange and their updates).

const STANDARD_QUOTA_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.storage',
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
  'services.nodeports',
  'services.loadbalancers',
]);
const POD_COUNT_RESOURCES = new Set(['pods']);
const CONFLICTING_SCOPES = [
  ['BestEffort', 'NotBestEffort'],
  ['Terminating', 'NotTerminating'],
];
const SCOPE_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

function isStandardQuotaResourceName(name: string): boolean {
  return STANDARD_QUOTA_RESOURCES.has(name) || name.startsWith(`requests.hugepages-`);
}

/** Kubernetes' IsResourceQuotaScopeValidForResource: scopes select pods, so they only go with pod resources. */
function scopeFitsResource(scope: string, name: string): boolean {
  if (scope === 'BestEffort') return POD_COUNT_RESOURCES.has(name);
  if ((QUOTA_SCOPES as readonly string[]).includes(scope)) return POD_COUNT_RESOURCES.has(name) || (POD_COMPUTE_NAMES as readonly string[]).includes(name);
  return true;
}

/** A quota's resource list: quota resource names with non-negative amounts (whole ones for counts). */
function validateQuotaResourceList(list: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, value] of Object.entries(list ?? {})) {
    const entry = path.key(name);
    errs.push(...validateResourceName(name, entry));
    if (!name.includes('/') && !isStandardQuotaResourceName(name)) errs.push(field.invalid(entry, name, 'must be a standard resource for quota'));
    const quantity = parseQuantityAt(value, entry, errs);
    if (quantity) errs.push(...validateResourceQuantityValue(name, quantity, entry));
  }
  return errs;
}

function validateScopes(spec: ResourceQuotaSpec, path: FieldPath): FieldError[] {
  const scopes = spec.scopes ?? [];
  const errs: FieldError[] = [];
  for (const scope of scopes) {
    if (!(QUOTA_SCOPES as readonly string[]).includes(scope)) errs.push(field.invalid(path, scopes, 'unsupported scope'));
    for (const name of Object.keys(spec.hard ?? {}).sort()) {
      if (isStandardQuotaResourceName(name) && !scopeFitsResource(scope, name)) errs.push(field.invalid(path, scopes, 'unsupported scope applied to resource'));
    }
  }
  for (const pair of CONFLICTING_SCOPES) if (pair.every((s) => scopes.includes(s))) errs.push(field.invalid(path, scopes, 'conflicting scopes'));
  return errs;
}

function validateScopeSelector(spec: ResourceQuotaSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (spec.scopeSelector?.matchExpressions ?? []).forEach((req, i) => {
    const reqPath = path.child('matchExpressions').index(i);
    const values = req.values ?? [];
    if (!(QUOTA_SCOPES as readonly string[]).includes(req.scopeName ?? '')) {
      errs.push(field.invalid(reqPath.child('scopeName'), req.scopeName ?? '', 'unsupported scope'));
    }
    if (!SCOPE_OPERATORS.includes(req.operator ?? '')) {
      errs.push(field.notSupported(reqPath.child('operator'), req.operator ?? '', SCOPE_OPERATORS));
      return;
    }
    if (req.scopeName !== 'PriorityClass' && req.operator !== 'Exists' && req.operator !== 'DoesNotExist') {
      errs.push(field.invalid(reqPath.child('operator'), req.operator, `must be 'Exist' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity`));
    }
    if ((req.operator === 'In' || req.operator === 'NotIn') && values.length === 0) {
      errs.push(field.required(reqPath.child('values'), "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
    }
    if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && values.length > 0) {
      errs.push(field.invalid(reqPath.child('values'), values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
    }
  });
  return errs;
}

function validateResourceQuotaSpec(quota: ResourceQuota): FieldError[] {
  const spec = quota.spec ?? {};
  const path = field.root('spec');
  return [...validateQuotaResourceList(spec.hard, path.child('hard')), ...validateScopes(spec, path.child('scopes')), ...validateScopeSelector(spec, path.child('scopeSelector'))];
}

function validateResourceQuotaStatusLists(status: ResourceQuotaStatus | undefined): FieldError[] {
  const path = field.root('status');
  return [...validateQuotaResourceList(status?.hard, path.child('hard')), ...validateQuotaResourceList(status?.used, path.child('used'))];
}

export function validateResourceQuota(quota: ResourceQuota): FieldError[] {
  return [...validateObjectMeta(quota.metadata, true, nameIsDNSSubdomain), ...validateResourceQuotaSpec(quota), ...validateResourceQuotaStatusLists(quota.status)];
}

export function validateResourceQuotaUpdate(quota: ResourceQuota, old: ResourceQuota): FieldError[] {
  const errs = validateObjectMetaUpdate(quota.metadata, old.metadata);
  const scopes = [...(quota.spec?.scopes ?? [])].sort();
  const oldScopes = [...(old.spec?.scopes ?? [])].sort();
  if (scopes.join('\0') !== oldScopes.join('\0')) errs.push(field.invalid(field.root('spec', 'scopes'), quota.spec?.scopes ?? [], 'field is immutable'));
  return errs;
}

export function validateResourceQuotaStatusUpdate(quota: ResourceQuota, old: ResourceQuota): FieldError[] {
  return [...validateObjectMetaUpdate(quota.metadata, old.metadata), ...validateResourceQuotaStatusLists(quota.status)];
}

type ItemLists = 'max' | 'min' | 'default' | 'defaultRequest' | 'maxLimitRequestRatio';
const ITEM_LISTS: readonly ItemLists[] = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'];

/** One item's lists, parsed, with their names and amounts checked. */
function parseItemLists(item: LimitRangeItem, path: FieldPath, errs: FieldError[]): Record<ItemLists, Map<string, Quantity>> {
  const parsed = {} as Record<ItemLists, Map<string, Quantity>>;
  for (const list of ITEM_LISTS) {
    parsed[list] = new Map();
    for (const [name, value] of Object.entries(item[list] ?? {})) {
      const entry = path.child(list).key(name);
      const nameErrs = item.type === 'Container' || item.type === 'Pod' ? validateContainerResourceName(name, entry) : validateResourceName(name, entry);
      errs.push(...nameErrs);
      const quantity = parseQuantityAt(value, entry, errs);
      if (!quantity) continue;
      errs.push(...validateResourceQuantityValue(name, quantity, entry));
      parsed[list].set(name, quantity);
    }
  }
  return parsed;
}

/** min <= defaultRequest <= default <= max for every resource of an item, with Kubernetes' messages. */
function validateItemOrdering(lists: Record<ItemLists, Map<string, Quantity>>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(ITEM_LISTS.flatMap((l) => [...lists[l].keys()]));
  for (const name of [...names].sort()) {
    const min = lists.min.get(name);
    const max = lists.max.get(name);
    const limit = lists.default.get(name);
    const request = lists.defaultRequest.get(name);
    const ratio = lists.maxLimitRequestRatio.get(name);
    const at = (list: ItemLists) => path.child(list).key(name);
    if (min && max && min.cmp(max) > 0) errs.push(field.invalid(at('min'), min.toString(), `min value ${min} is greater than max value ${max}`));
    if (request && min && min.cmp(request) > 0) errs.push(field.invalid(at('defaultRequest'), request.toString(), `min value ${min} is greater than default request value ${request}`));
    if (request && max && request.cmp(max) > 0) errs.push(field.invalid(at('defaultRequest'), request.toString(), `default request value ${request} is greater than max value ${max}`));
    if (request && limit && request.cmp(limit) > 0) errs.push(field.invalid(at('defaultRequest'), request.toString(), `default request value ${request} is greater than default limit value ${limit}`));
    if (limit && min && min.cmp(limit) > 0) errs.push(field.invalid(at('default'), min.toString(), `min value ${min} is greater than default value ${limit}`));
    if (limit && max && limit.cmp(max) > 0) errs.push(field.invalid(at('default'), max.toString(), `default value ${limit} is greater than max value ${max}`));
    if (ratio && ratio.milliValue() < 1000n) errs.push(field.invalid(at('maxLimitRequestRatio'), ratio.toString(), `ratio ${ratio} is less than 1`));
    if (ratio && min && max && min.sign() > 0) {
      const allowed = Number(max.milliValue()) / Number(min.milliValue());
      if (Number(ratio.milliValue()) / 1000 > allowed) {
        errs.push(field.invalid(at('maxLimitRequestRatio'), ratio.toString(), `ratio ${ratio} is greater than max/min = ${allowed.toFixed(6)}`));
      }
    }
    if (!isOvercommitAllowed(name) && limit && request && limit.cmp(request) !== 0) {
      errs.push(field.invalid(at('defaultRequest'), request.toString(), `default value ${limit} must equal to defaultRequest value ${request} in ${name}`));
    }
    if (isHugePageResourceName(name) && ratio) errs.push(field.invalid(at('maxLimitRequestRatio'), ratio.toString(), `${name} cannot be overcommitted`));
  }
  return errs;
}

function validateLimitRangeItem(item: LimitRangeItem, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!item.type) errs.push(field.required(path.child('type')));
  const lists = parseItemLists(item, path, errs);
  if (item.type === 'Pod') {
    if (Object.keys(item.default ?? {}).length > 0) errs.push(field.forbidden(path.child('default'), "may not be specified when `type` is 'Pod'"));
    if (Object.keys(item.defaultRequest ?? {}).length > 0) errs.push(field.forbidden(path.child('defaultRequest'), "may not be specified when `type` is 'Pod'"));
  }
  if (item.type === 'PersistentVolumeClaim' && !lists.min.has('storage') && !lists.max.has('storage')) {
    errs.push(field.required(path.child('limits'), 'either minimum or maximum storage value is required, but neither was provided'));
  }
  errs.push(...validateItemOrdering(lists, path));
  return errs;
}

export function validateLimitRange(limitRange: LimitRange): FieldError[] {
  const errs = validateObjectMeta(limitRange.metadata, true, nameIsDNSSubdomain);
  const seen = new Set<string>();
  (limitRange.spec?.limits ?? []).forEach((item, i) => {
    const path = field.root('spec', 'limits').index(i);
    if (item.type && seen.has(item.type)) errs.push(field.duplicate(path.child('type'), item.type));
    if (item.type) seen.add(item.type);
    errs.push(...validateLimitRangeItem(item, path));
  });
  return errs;
}

export function validateLimitRangeUpdate(limitRange: LimitRange, old: LimitRange): FieldError[] {
  return validateObjectMetaUpdate(limitRange.metadata, old.metadata);
}
