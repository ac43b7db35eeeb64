import { parseQuantity, Quantity, QuantityError } from '../../../lib/quantity.js';

const NANOS_PER_MILLI = 1_000_000n;

/**
 * Kubernetes' SetDefaults_ResourceList: every quantity is rounded up to a whole number of
 * thousandths and then stored in canonical form (`0.5` becomes `500m`, `1.5Gi` becomes `1536Mi`).
 * Values that do not parse are left alone for validation to report.
 */
export function defaultResourceList(list: Record<string, string> | undefined): void {
  if (!list) return;
  for (const [name, value] of Object.entries(list)) {
    const canonical = canonicalQuantity(value);
    if (canonical !== undefined) list[name] = canonical;
  }
}

/** The rounded canonical spelling of a quantity, or undefined when it does not parse. */
function canonicalQuantity(value: string): string | undefined {
  let quantity: Quantity;
  try {
    quantity = parseQuantity(value);
  } catch (err) {
    if (err instanceof QuantityError) return undefined;
    throw err;
  }
  if (quantity.nanoValue() % NANOS_PER_MILLI !== 0n) quantity = Quantity.fromMilliValue(quantity.milliValue(), quantity.format);
  return quantity.toString();
}

/** Whether a quantity parses; defaults copy only those, so a malformed one is reported once, where it was written. */
export function isWellFormedQuantity(value: string): boolean {
  return canonicalQuantity(value) !== undefined;
}
