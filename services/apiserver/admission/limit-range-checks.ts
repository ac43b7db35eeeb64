import type { LimitRangeItem } from '../../../lib/api/generated/index.js';
import { quantityOf, type ResourceList } from '../../../lib/quota/resource-list.js';

// The bound checks of a LimitRange item against a container's, a pod's or a claim's requests and
// limits, with Kubernetes' LimitRanger messages. Names are visited in sorted order so that several
// violations always read the same.

type Kind = 'Container' | 'Pod' | 'PersistentVolumeClaim';

function min(kind: Kind, name: string, enforced: string, requests: ResourceList, limits: ResourceList): string | undefined {
  const bound = quantityOf({ [name]: enforced }, name);
  if (!(name in requests)) return `minimum ${name} usage per ${kind} is ${bound}.  No request is specified`;
  if (quantityOf(requests, name).cmp(bound) < 0) return `minimum ${name} usage per ${kind} is ${bound}, but request is ${quantityOf(requests, name)}`;
  if (name in limits && quantityOf(limits, name).cmp(bound) < 0) return `minimum ${name} usage per ${kind} is ${bound}, but limit is ${quantityOf(limits, name)}`;
  return undefined;
}

function max(kind: Kind, name: string, enforced: string, requests: ResourceList, limits: ResourceList): string | undefined {
  const bound = quantityOf({ [name]: enforced }, name);
  if (!(name in limits)) return `maximum ${name} usage per ${kind} is ${bound}.  No limit is specified`;
  if (quantityOf(limits, name).cmp(bound) > 0) return `maximum ${name} usage per ${kind} is ${bound}, but limit is ${quantityOf(limits, name)}`;
  if (name in requests && quantityOf(requests, name).cmp(bound) > 0) return `maximum ${name} usage per ${kind} is ${bound}, but request is ${quantityOf(requests, name)}`;
  return undefined;
}

/** A claim's max bounds what it requests: claims state no limits. */
function maxRequest(kind: Kind, name: string, enforced: string, requests: ResourceList): string | undefined {
  const bound = quantityOf({ [name]: enforced }, name);
  if (!(name in requests)) return `maximum ${name} usage per ${kind} is ${bound}.  No request is specified`;
  if (quantityOf(requests, name).cmp(bound) > 0) return `maximum ${name} usage per ${kind} is ${bound}, but request is ${quantityOf(requests, name)}`;
  return undefined;
}

function ratio(kind: Kind, name: string, enforced: string, requests: ResourceList, limits: ResourceList): string | undefined {
  const bound = quantityOf({ [name]: enforced }, name);
  const request = quantityOf(requests, name);
  const limit = quantityOf(limits, name);
  if (request.isZero()) return `${name} max limit to request ratio per ${kind} is ${bound}, but no request is specified or request is 0`;
  if (limit.isZero()) return `${name} max limit to request ratio per ${kind} is ${bound}, but no limit is specified or limit is 0`;
  const observed = Number(limit.nanoValue()) / Number(request.nanoValue());
  // Compared in thousandths of the bound, as Kubernetes does.
  if (observed * 1000 > Number(bound.milliValue())) {
    return `${name} max limit to request ratio per ${kind} is ${bound}, but provided ratio is ${observed.toFixed(6)}`;
  }
  return undefined;
}

function each(list: ResourceList | undefined, check: (name: string, enforced: string) => string | undefined): string[] {
  return Object.keys(list ?? {})
    .sort()
    .map((name) => check(name, list![name]!))
    .filter((m): m is string => m !== undefined);
}

/** The violations of a Container or Pod item's min, max and maxLimitRequestRatio. */
export function computeViolations(item: LimitRangeItem, kind: 'Container' | 'Pod', requests: ResourceList, limits: ResourceList): string[] {
  return [
    ...each(item.min, (name, v) => min(kind, name, v, requests, limits)),
    ...each(item.max, (name, v) => max(kind, name, v, requests, limits)),
    ...each(item.maxLimitRequestRatio, (name, v) => ratio(kind, name, v, requests, limits)),
  ];
}

/** The violations of a PersistentVolumeClaim item's min and max by what a claim requests. */
export function claimViolations(item: LimitRangeItem, requests: ResourceList): string[] {
  return [
    ...each(item.min, (name, v) => min('PersistentVolumeClaim', name, v, requests, {})),
    ...each(item.max, (name, v) => maxRequest('PersistentVolumeClaim', name, v, requests)),
  ];
}
