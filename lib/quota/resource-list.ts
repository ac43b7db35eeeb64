import { parseQuantity, Quantity, QuantityError } from '../quantity.js';

/** Kubernetes' ResourceList: resource name to quantity, as the API carries it (`{ 'requests.cpu': '500m' }`). */
export type ResourceList = Record<string, string>;

/**
 * The quantity of one entry. Stored objects passed validation, so a value that does not parse can
 * only come from an object written before a rule existed; it counts as nothing rather than failing
 * every write in its namespace.
 */
export function quantityOf(list: ResourceList | undefined, name: string): Quantity {
  const text = list?.[name];
  if (text === undefined) return Quantity.fromValue(0);
  try {
    return parseQuantity(text);
  } catch (err) {
    if (err instanceof QuantityError) return Quantity.fromValue(0);
    throw err;
  }
}

function combine(a: ResourceList, b: ResourceList | undefined, pick: (x: Quantity, y: Quantity, inA: boolean, inB: boolean) => Quantity): ResourceList {
  const out: ResourceList = {};
  for (const name of new Set([...Object.keys(a), ...Object.keys(b ?? {})])) {
    out[name] = pick(quantityOf(a, name), quantityOf(b, name), name in a, b !== undefined && name in b).toString();
  }
  return out;
}

/** a + b, name by name (a name in only one list keeps its value). */
export function addLists(a: ResourceList, b: ResourceList | undefined): ResourceList {
  return combine(a, b, (x, y) => x.add(y));
}

/** a - b, name by name. */
export function subtractLists(a: ResourceList, b: ResourceList | undefined): ResourceList {
  return combine(a, b, (x, y) => x.sub(y));
}

/** The larger of a and b, name by name (how init containers count against app containers). */
export function maxLists(a: ResourceList, b: ResourceList | undefined): ResourceList {
  return combine(a, b, (x, y, inA, inB) => (!inA ? y : !inB ? x : x.cmp(y) >= 0 ? x : y));
}

/** Only the entries whose names are in `names`. */
export function maskList(list: ResourceList | undefined, names: Iterable<string>): ResourceList {
  const out: ResourceList = {};
  for (const name of names) if (list && name in list) out[name] = list[name]!;
  return out;
}

/** The names of `list` whose quantity is above zero. */
export function positiveNames(list: ResourceList): string[] {
  return Object.keys(list).filter((name) => quantityOf(list, name).sign() > 0);
}

/** The names whose `used` exceeds `limit`; names `limit` does not hold are unlimited. */
export function exceededNames(used: ResourceList, limit: ResourceList): string[] {
  return Object.keys(used)
    .filter((name) => name in limit && quantityOf(used, name).cmp(quantityOf(limit, name)) > 0)
    .sort();
}

/** Kubernetes' prettyPrint of a resource list: `a=1,b=2`, sorted by name. */
export function formatList(list: ResourceList): string {
  return Object.keys(list)
    .sort()
    .map((name) => `${name}=${list[name]}`)
    .join(',');
}

/** Whether two lists hold the same names with equal quantities (`1000m` equals `1`). */
export function sameLists(a: ResourceList | undefined, b: ResourceList | undefined): boolean {
  const ka = Object.keys(a ?? {});
  const kb = Object.keys(b ?? {});
  return ka.length === kb.length && ka.every((name) => b !== undefined && name in b && quantityOf(a, name).equals(quantityOf(b, name)));
}
