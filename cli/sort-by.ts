import { toKubeJSON } from '../lib/api/json.js';
import type { AnyObject, ResourceInfo } from '../lib/api/resources.js';
import { parseQuantity } from '../lib/quantity.js';
import { CliError } from './errors.js';
import type { JsonValue } from './printers/go-values.js';
import { findResults } from './printers/jsonpath.js';
import { OutputFormatError, relaxedTemplate } from './printers/output.js';

// `get --sort-by=<jsonpath>` orders objects by one field as kubectl does: numbers by value, strings
// that are quantities (`40Mi` < `100Mi`) by amount, other strings in natural order (`pod-2` <
// `pod-10`), timestamps by their RFC 3339 text; objects without the field come first.

export interface Sortable {
  info: ResourceInfo;
  object: AnyObject;
}

/** The objects in the field's order (stable); an error when no object has the field at all. */
export function sortByField<T extends Sortable>(items: readonly T[], expression: string): T[] {
  let template: string;
  try {
    template = relaxedTemplate(expression);
  } catch (err) {
    if (err instanceof OutputFormatError) throw new CliError(err.message);
    throw err;
  }
  const keyed = items.map((item) => ({ item, key: findResults(template, toKubeJSON(item.info, item.object) as JsonValue)[0] }));
  if (items.length > 0 && keyed.every((k) => k.key === undefined)) {
    throw new CliError(`couldn't find any field with path "${template}" in the list of objects`);
  }
  return keyed.sort((a, b) => compareValues(a.key, b.key)).map((k) => k.item);
}

function compareValues(a: JsonValue | undefined, b: JsonValue | undefined): number {
  if (a === undefined || b === undefined) return (a === undefined ? 0 : 1) - (b === undefined ? 0 : 1);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareQuantities(a, b) ?? naturalCompare(a, b);
  return naturalCompare(JSON.stringify(a), JSON.stringify(b));
}

function compareQuantities(a: string, b: string): number | undefined {
  try {
    return parseQuantity(a).cmp(parseQuantity(b));
  } catch {
    return undefined;
  }
}

const CHUNKS = /(\d+|\D+)/g;

/** Runs of digits compare by value, everything else by code unit, as kubectl's natural sort does. */
export function naturalCompare(a: string, b: string): number {
  const left = a.match(CHUNKS) ?? [];
  const right = b.match(CHUNKS) ?? [];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i]!;
    const y = right[i]!;
    if (x === y) continue;
    const bothDigits = /^\d/.test(x) && /^\d/.test(y);
    if (bothDigits) {
      const diff = BigInt(x) - BigInt(y);
      if (diff !== 0n) return diff < 0n ? -1 : 1;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return left.length - right.length;
}
