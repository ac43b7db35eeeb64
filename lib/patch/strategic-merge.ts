// Strategic merge patch as Kubernetes documents it: maps merge recursively, `null` deletes a key,
// lists of objects that have a patch merge key merge element by element on that key (an element
// with `$patch: delete` is removed), `$patch: replace` replaces a whole map or list, and other
// lists are replaced. Only the merge keys of the kinds we serve are needed.

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
export function mergeKeyFor(path: string[], field: string): string | undefined {
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

function mergeObject(original: JsonObject, patch: JsonObject, path: string[]): JsonObject {
  checkDirective(patch, path);
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return rest;
  }
  const result: JsonObject = { ...original };
  for (const [field, value] of Object.entries(patch)) {
    if (field === '$patch') continue;
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
  return result;
}

export function strategicMergePatch(original: object, patch: object): Record<string, unknown> {
  return mergeObject(original as JsonObject, patch as JsonObject, []);
}
