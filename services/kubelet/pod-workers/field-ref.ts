import type { Container, Pod, ResourceFieldSelector } from '../../../lib/api/generated/index.js';
import { parseQuantity, type Quantity } from '../../../lib/quantity.js';
import { goQuote } from '../../../lib/validation/go-quote.js';

/** The downward API: pod fields and container resources as env values or volume files. */
export class FieldRefError extends Error {
  override readonly name = 'FieldRefError';
}

/** Kubernetes' FormatMap: sorted `key="value"` lines with Go quoting, no trailing newline. */
export function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((key) => `${key}=${goQuote((map as Record<string, string>)[key] as string)}`)
    .join('\n');
}

const SUBSCRIPT = /^metadata\.(labels|annotations)\['(.+)'\]$/;

/** Kubernetes' ExtractFieldPathAsString: the metadata fields both env and volumes may name. */
export function extractFieldPath(pod: Pod, fieldPath: string): string {
  const meta = pod.metadata ?? {};
  const subscript = SUBSCRIPT.exec(fieldPath);
  if (subscript) {
    const map = subscript[1] === 'labels' ? meta.labels : meta.annotations;
    return map?.[subscript[2] as string] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.annotations':
      return formatMap(meta.annotations);
    case 'metadata.labels':
      return formatMap(meta.labels);
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    default:
      throw new FieldRefError(`unsupported fieldPath: ${fieldPath}`);
  }
}

interface RuntimeFieldValues {
  podIP: string;
  hostIP: string;
}

/** Kubernetes' podFieldSelectorRuntimeValue: env may also name spec and status fields. */
export function podFieldValue(pod: Pod, fieldPath: string, values: RuntimeFieldValues): string {
  switch (fieldPath) {
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return values.hostIP;
    case 'status.podIP':
    case 'status.podIPs':
      return values.podIP;
    default:
      return extractFieldPath(pod, fieldPath);
  }
}

/**
 * Kubernetes' ExtractContainerResourceValue: the value divided by the divisor, rounded up. Unset
 * limits read as the node's allocatable amount, as they do in Kubernetes.
 */
export function containerResourceValue(
  selector: ResourceFieldSelector,
  container: Container,
  nodeAllocatable: Record<string, string> = {},
): string {
  const resource = selector.resource ?? '';
  const divisor = parseQuantity(selector.divisor && selector.divisor !== '0' ? selector.divisor : '1');
  const [kind, name] = resource.split('.', 2) as [string, string | undefined];
  if ((kind !== 'limits' && kind !== 'requests') || (name !== 'cpu' && name !== 'memory' && name !== 'ephemeral-storage')) {
    throw new FieldRefError(`unsupported container resource : ${resource}`);
  }
  const declared = kind === 'limits' ? container.resources?.limits?.[name] : container.resources?.requests?.[name];
  const fallback = kind === 'limits' ? nodeAllocatable[name] : undefined;
  const amount = parseQuantity(declared ?? fallback ?? '0');
  return name === 'cpu' ? ceilDiv(amount.milliValue(), milliOf(divisor)) : ceilDiv(amount.value(), wholeOf(divisor));
}

function milliOf(q: Quantity): bigint {
  const m = q.milliValue();
  return m === 0n ? 1n : m;
}

function wholeOf(q: Quantity): bigint {
  const v = q.value();
  return v === 0n ? 1n : v;
}

function ceilDiv(a: bigint, b: bigint): string {
  const q = a / b;
  return String(a % b !== 0n && a > 0n === b > 0n ? q + 1n : q);
}
