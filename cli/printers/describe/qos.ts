import type { Container, Pod } from '../../../lib/api/generated/index.js';
import { Quantity, parseQuantity } from '../../../lib/quantity.js';

// A pod's quality-of-service class as the kubelet computes it from cpu and memory requests and
// limits. A limit without a request counts as an equal request, as the apiserver defaults it.

const QOS_RESOURCES = ['cpu', 'memory'] as const;

function amount(value: string | undefined): Quantity | undefined {
  if (!value) return undefined;
  try {
    const q = parseQuantity(value);
    return q.isZero() ? undefined : q;
  } catch {
    return undefined;
  }
}

export function podQOSClass(pod: Pod): string {
  if (pod.status?.qosClass) return pod.status.qosClass;
  const containers: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const c of containers) {
    let limitsFound = 0;
    for (const name of QOS_RESOURCES) {
      const limit = amount(c.resources?.limits?.[name]);
      const request = amount(c.resources?.requests?.[name]) ?? limit;
      if (request) requests.set(name, (requests.get(name) ?? Quantity.fromValue(0)).add(request));
      if (limit) {
        limits.set(name, (limits.get(name) ?? Quantity.fromValue(0)).add(limit));
        limitsFound++;
      }
    }
    if (limitsFound < QOS_RESOURCES.length) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed && [...requests].every(([name, q]) => limits.get(name)?.equals(q)) && requests.size === limits.size) return 'Guaranteed';
  return 'Burstable';
}
