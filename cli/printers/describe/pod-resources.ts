import type { Pod } from '../../../lib/api/generated/index.js';
import { Quantity, parseQuantity } from '../../../lib/quantity.js';

// What a pod asks of its node, as kubectl describe node adds it up: the containers' requests and
// limits summed, raised to any init container's (init containers run one at a time, first).

export type ResourceTotals = Map<string, Quantity>;

function parsed(value: string): Quantity | undefined {
  try {
    return parseQuantity(value);
  } catch {
    return undefined;
  }
}

function addTo(totals: ResourceTotals, list: Record<string, string> | undefined): void {
  for (const [name, value] of Object.entries(list ?? {})) {
    const q = parsed(value);
    if (q) totals.set(name, (totals.get(name) ?? Quantity.fromValue(0)).add(q));
  }
}

function raiseTo(totals: ResourceTotals, list: Record<string, string> | undefined): void {
  for (const [name, value] of Object.entries(list ?? {})) {
    const q = parsed(value);
    const current = totals.get(name);
    if (q && (!current || q.cmp(current) > 0)) totals.set(name, q);
  }
}

export function podRequestsAndLimits(pod: Pod): { requests: ResourceTotals; limits: ResourceTotals } {
  const requests: ResourceTotals = new Map();
  const limits: ResourceTotals = new Map();
  for (const c of pod.spec?.containers ?? []) {
    addTo(requests, c.resources?.requests);
    addTo(limits, c.resources?.limits);
  }
  for (const c of pod.spec?.initContainers ?? []) {
    raiseTo(requests, c.resources?.requests);
    raiseTo(limits, c.resources?.limits);
  }
  return { requests, limits };
}

/** Sums the requests and limits of many pods. */
export function totalRequestsAndLimits(pods: readonly Pod[]): { requests: ResourceTotals; limits: ResourceTotals } {
  const requests: ResourceTotals = new Map();
  const limits: ResourceTotals = new Map();
  for (const pod of pods) {
    const each = podRequestsAndLimits(pod);
    for (const [name, q] of each.requests) requests.set(name, (requests.get(name) ?? Quantity.fromValue(0)).add(q));
    for (const [name, q] of each.limits) limits.set(name, (limits.get(name) ?? Quantity.fromValue(0)).add(q));
  }
  return { requests, limits };
}
