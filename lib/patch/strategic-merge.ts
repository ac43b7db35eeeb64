// Strategic merge patch as Kubernetes documents it: maps merge recursively, `null` deletes a key,
// lists of objects that have a patch merge key merge element by element on that key (an element
// with `$patch: delete` is removed), `$patch: replace` replaces a whole map or list, and other
// lists are replaced. Only the merge keys of the kinds we serve are needed. The directives
// kubectl's own patches carry are followed too: `$setElementOrder/<list>` (the order of a merged
// list), `$deleteFromPrimitiveList/<list>` (values to take out of a set list) and `$retainKeys`
// (the only keys a map keeps).

import { badRequest } from '../api/errors.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Field name → merge key, for the lists Kubernetes marks with patchStrategy "merge". */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
  addresses: 'type',
  taints: 'key',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
};

/** Lists of scalars Kubernetes merges as sets rather than replacing. */
const SET_LISTS = new Set(['finalizers']);

/** Whether a list of scalars merges as a set (patch strategy "merge" without a key). */
export function mergesAsSet(field: string): boolean {
  return SET_LISTS.has(field);
}

/** Ports merge on different keys depending on where they are. */
export function mergeKeyFor(path: readonly string[], field: string): string | undefined {
  if (field === 'ports') return path.includes('containers') || path.includes('initContainers') ? 'containerPort' : 'port';
  return MERGE_KEYS[field];
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The directives `$patch` may give; anything else is refused rather than ignored. */
const PATCH_DIRECTIVES = new Set(['replace', 'delete', 'merge']);

function checkDirective(patch: JsonObject, path: string[]): void {
  const directive = patch.$patch;
  if (directive === undefined || (typeof directive === 'string' && PATCH_DIRECTIVES.has(directive))) return;
  throw badRequest(`unknown patch directive ${JSON.stringify(directive)} at ${path.join('.') || 'the top level'}: use "replace", "delete" or "merge"`);
}

function mergeList(original: Json[], patch: Json[], key: string, path: string[]): Json[] {
  const result = original.map((x) => x);
  for (const item of patch) {
    if (!isObject(item)) {
      throw badRequest(`cannot merge ${item === null ? 'null' : typeof item} into ${path.join('.')}: its elements are objects merged on "${key}"`);
    }
    const idx = result.findIndex((o) => isObject(o) && o[key] === item[key]);
    if (item.$patch === 'delete') {
      if (idx >= 0) result.splice(idx, 1);
      continue;
    }
    if (idx >= 0) result[idx] = mergeObject(result[idx] as JsonObject, item, path);
    else result.push(mergeObject({}, item, path));
  }
  return result;
}

const SET_ELEMENT_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';

/** Whether a patch key is a directive rather than a field of the object. */
function isDirectiveKey(field: string): boolean {
  return field === '$patch' || field === '$retainKeys' || field.startsWith(SET_ELEMENT_ORDER) || field.startsWith(DELETE_FROM_PRIMITIVE_LIST);
}

/**
 * A merged list in the order `$setElementOrder` gives: the elements it names in its order, and
 * the elements only the original had (it leaves them alone) placed among them by where the
 * original had them, as Kubernetes merges the two.
 */
function inElementOrder(merged: Json[], order: Json[], identity: (item: Json) => Json, original: Json[]): Json[] {
  const wanted = new Map(order.map((item, i) => [JSON.stringify(identity(item)), i]));
  const originalAt = new Map(original.map((item, i) => [JSON.stringify(identity(item)), i]));
  const rank = (item: Json) => wanted.get(JSON.stringify(identity(item)));
  const named = merged.filter((item) => rank(item) !== undefined).sort((a, b) => rank(a)! - rank(b)!);
  const others = merged.filter((item) => rank(item) === undefined);
  const result: Json[] = [];
  let n = 0;
  let o = 0;
  while (n < named.length && o < others.length) {
    // A named element goes first only when the original had it before this one; a new element waits.
    const at = originalAt.get(JSON.stringify(identity(named[n]!)));
    if (at !== undefined && at < originalAt.get(JSON.stringify(identity(others[o]!)))!) result.push(named[n++]!);
    else result.push(others[o++]!);
  }
  return [...result, ...named.slice(n), ...others.slice(o)];
}

/** Follows the list directives of `patch` on `result` (already merged from `original`). */
function applyListDirectives(result: JsonObject, original: JsonObject, patch: JsonObject, path: string[]): void {
  for (const [directive, value] of Object.entries(patch)) {
    if (directive.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      const field = directive.slice(DELETE_FROM_PRIMITIVE_LIST.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value)) result[field] = current.filter((item) => !value.includes(item));
    }
  }
  for (const [directive, value] of Object.entries(patch)) {
    if (!directive.startsWith(SET_ELEMENT_ORDER)) continue;
    const field = directive.slice(SET_ELEMENT_ORDER.length);
    const current = result[field];
    if (!Array.isArray(current) || !Array.isArray(value)) continue;
    const key = mergeKeyFor(path, field);
    const identity = (item: Json) => (key && isObject(item) ? (item[key] ?? null) : item);
    const before = original[field];
    result[field] = inElementOrder(current, value, identity, Array.isArray(before) ? before : []);
  }
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    for (const field of Object.keys(result)) if (!retain.includes(field)) delete result[field];
  }
}

function mergeObject(original: JsonObject, patch: JsonObject, path: string[]): JsonObject {
  checkDirective(patch, path);
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return rest;
  }
  const result: JsonObject = { ...original };
  for (const [field, value] of Object.entries(patch)) {
    if (isDirectiveKey(field)) continue;
    if (value === null) {
      delete result[field];
      continue;
    }
    const current = result[field];
    const key = mergeKeyFor(path, field);
    if (Array.isArray(value) && Array.isArray(current) && key) {
      result[field] = mergeList(current, value, key, [...path, field]);
    } else if (Array.isArray(value) && Array.isArray(current) && mergesAsSet(field)) {
      result[field] = [...new Set([...current, ...value])];
    } else if (isObject(value) && isObject(current)) {
      result[field] = mergeObject(current, value, [...path, field]);
    } else {
      result[field] = isObject(value) ? mergeObject({}, value, [...path, field]) : value;
    }
  }
  applyListDirectives(result, original, patch, path);
  return result;
}

export function strategicMergePatch(original: object, patch: object): Record<string, unknown> {
  return mergeObject(original as JsonObject, patch as JsonObject, []);
}
