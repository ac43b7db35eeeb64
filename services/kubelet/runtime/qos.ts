import type { Container, Pod } from '../../../lib/api/generated/index.js';
import { parseQuantity, type Quantity } from '../../../lib/quantity.js';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const QOS_RESOURCES = ['cpu', 'memory'] as const;

/**
 * A container's requests as the apiserver would default them: a resource with a limit but no
 * request requests its limit. The kubelet repeats this so pods from any source behave the same.
 */
export function effectiveRequests(container: Container): Record<string, string> {
  const limits = container.resources?.limits ?? {};
  const requests = { ...(container.resources?.requests ?? {}) };
  for (const [name, value] of Object.entries(limits)) if (requests[name] === undefined) requests[name] = value;
  return requests;
}

/** Kubernetes' GetPodQOS: summed cpu/memory requests and limits over all containers. */
export function podQOSClass(pod: Pod): QOSClass {
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const container of containers) {
    for (const [name, value] of Object.entries(effectiveRequests(container))) addNonZero(requests, name, value);
    const found = new Set<string>();
    for (const [name, value] of Object.entries(container.resources?.limits ?? {})) {
      if (addNonZero(limits, name, value)) found.add(name);
    }
    if (!QOS_RESOURCES.every((name) => found.has(name))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, request] of requests) {
      const limit = limits.get(name);
      if (!limit || !limit.equals(request)) guaranteed = false;
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

function addNonZero(into: Map<string, Quantity>, name: string, value: string): boolean {
  if (!(QOS_RESOURCES as readonly string[]).includes(name)) return false;
  const quantity = parseQuantity(value);
  if (quantity.isZero()) return false;
  const previous = into.get(name);
  into.set(name, previous ? previous.add(quantity) : quantity);
  return true;
}
