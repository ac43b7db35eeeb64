import type { LimitRange, ResourceQuota } from '../../../lib/api/generated/index.js';
import { defaultResourceList, isWellFormedQuantity } from './quantities.js';

/** Quantities in canonical form, so the quota arithmetic and `kubectl get` print them as Kubernetes does. */
export function defaultResourceQuota(quota: ResourceQuota): void {
  defaultResourceList(quota.spec?.hard);
}

/**
 * Kubernetes' SetDefaults_LimitRangeItem: a Container item's default limit falls back to its max,
 * and its default request to the default limit, else to its min.
 */
export function defaultLimitRange(limitRange: LimitRange): void {
  for (const item of limitRange.spec?.limits ?? []) {
    for (const list of [item.max, item.min, item.default, item.defaultRequest, item.maxLimitRequestRatio]) defaultResourceList(list);
    if (item.type !== 'Container') continue;
    const limits = (item.default ??= {});
    const requests = (item.defaultRequest ??= {});
    fillMissing(limits, item.max);
    fillMissing(requests, limits);
    fillMissing(requests, item.min);
  }
}

function fillMissing(target: Record<string, string>, from: Record<string, string> | undefined): void {
  for (const [name, value] of Object.entries(from ?? {})) {
    if (!Object.prototype.hasOwnProperty.call(target, name) && isWellFormedQuantity(value)) target[name] = value;
  }
}
