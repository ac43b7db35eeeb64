import { parseQuantity, QuantityError } from '../quantity.js';
import type { PodSpec } from './generated/index.js';

/**
 * Kubernetes' QoS class: Guaranteed when every container has cpu and memory limits equal to its
 * requests, BestEffort when no container has any request or limit, Burstable otherwise.
 */
export function qosClass(spec: PodSpec | undefined): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true;
    for (const r of ['cpu', 'memory']) {
      const limit = limits[r];
      const request = requests[r] ?? limit;
      if (limit === undefined || request === undefined || !sameQuantity(request, limit)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/**
 * Whether two quantities are equal. The QoS class is computed before validation runs (it is part of
 * the status a pod is created with), so a malformed quantity counts as unequal here and validation
 * reports it with its field path.
 */
function sameQuantity(a: string, b: string): boolean {
  try {
    return parseQuantity(a).cmp(parseQuantity(b)) === 0;
  } catch (err) {
    if (err instanceof QuantityError) return false;
    throw err;
  }
}
