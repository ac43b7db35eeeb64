import { mergeKeyFor, mergesAsSet } from '../../../lib/patch/strategic-merge.js';

// Sets of fields of an object, as server-side apply tracks who owns what. A field is named by its
// path of elements in Kubernetes' FieldsV1 spelling: `f:spec`, `f:replicas` for object fields and
// map keys, `k:{"name":"app"}` for an element of a list merged on a key (the strategic-merge
// metadata of lib/patch), `v:"x"` for a value of a list merged as a set. Every other list is
// atomic: one field, owned whole. A set is kept as a Map from the path's text to its elements,
// and written as FieldsV1: a tree of those elements, an empty object where a path ends, `.` where
// a path ends at a node that has children too (a list element and fields inside it).

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A path of FieldsV1 elements. */
export type FieldPath = readonly string[];
export type FieldSet = Map<string, FieldPath>;

/** Fields the server sets or that name the object: nobody owns them (Kubernetes strips the same). */
const UNOWNED_METADATA = new Set([
  'name',
  'namespace',
  'generateName',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

const SEPARATOR = '\n';

export function pathKey(path: FieldPath): string {
  return path.join(SEPARATOR);
}

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The key element of a list element merged on `key`, or undefined when the element lacks it. */
function keyElement(item: Json, key: string): string | undefined {
  if (!isObject(item) || item[key] === undefined || item[key] === null) return undefined;
  return `k:${JSON.stringify({ [key]: item[key] })}`;
}

/** How a list field merges: on a key, as a set of values, or whole. */
function listShape(names: readonly string[], field: string, list: Json[]): { key: string } | 'set' | 'atomic' {
  const key = mergeKeyFor(names, field);
  if (key && list.every((item) => hasKey(item, key))) return { key };
  if (mergesAsSet(field) && list.every((item) => !isObject(item) && !Array.isArray(item))) return 'set';
  return 'atomic';
}

/**
 * Adds the fields of one value to `out`. names: the plain field names above it, which choose
 * the merge keys (`ports` merges on containerPort inside containers, on port elsewhere).
 */
function collect(value: Json, path: string[], names: string[], out: FieldSet): void {
  if (!isObject(value) || Object.keys(value).length === 0) {
    out.set(pathKey(path), path);
    return;
  }
  for (const [field, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    const here = [...path, `f:${field}`];
    if (Array.isArray(v) && v.length > 0) {
      const shape = listShape(names, field, v);
      if (shape === 'atomic') {
        out.set(pathKey(here), here);
      } else if (shape === 'set') {
        for (const item of v) {
          const element = [...here, `v:${JSON.stringify(item)}`];
          out.set(pathKey(element), element);
        }
      } else {
        for (const item of v) {
          const element = [...here, keyElement(item, shape.key)!];
          out.set(pathKey(element), element);
          collect(item, element, [...names, field], out);
        }
      }
      continue;
    }
    collect(v, here, [...names, field], out);
  }
}

/**
 * Which fields a write owns: all of them (a kind without a status subresource), the main
 * resource's (everything but status) or the status subresource's.
 */
export type FieldPart = 'all' | 'main' | 'status';

/** What the fields of one part of an object come from: values with their path and field names, as collect takes them. */
function ownedValues(json: JsonObject, part: FieldPart): { value: JsonObject; path: string[]; names: string[] }[] {
  const values = [];
  for (const [field, v] of Object.entries(json)) {
    if (field === 'apiVersion' || field === 'kind' || v === null) continue;
    if (part !== 'all' && (field === 'status') !== (part === 'status')) continue;
    if (field === 'metadata' && isObject(v)) {
      const owned = Object.fromEntries(Object.entries(v).filter(([k]) => !UNOWNED_METADATA.has(k)));
      if (Object.keys(owned).length > 0) values.push({ value: owned, path: ['f:metadata'], names: ['metadata'] });
      continue;
    }
    values.push({ value: { [field]: v }, path: [], names: [] });
  }
  return values;
}

/** The fields an object's Kubernetes JSON sets, of one part of it. */
export function fieldsOf(json: JsonObject, part: FieldPart = 'all'): FieldSet {
  const out: FieldSet = new Map();
  for (const { value, path, names } of ownedValues(json, part)) collect(value, path, names, out);
  return out;
}

/** A list repeats an element (a key or a value): the set merges those, the text written in one walk would not. */
const REPEATED = Symbol('repeated element');

/** Characters JSON.stringify escapes in a string (quotes, backslashes, control characters, lone surrogates). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON text of an element, `f:` + field or a key element, without JSON.stringify for the common case. */
function quoted(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : '"' + text + '"';
}

function hasKeys(value: JsonObject): boolean {
  for (const _ in value) return true;
  return false;
}

/** Whether a list element carries the merge key (what keyElement would name it by). */
function hasKey(item: Json, key: string): boolean {
  return isObject(item) && item[key] !== undefined && item[key] !== null;
}

/**
 * The FieldsV1 members (`"f:a":{...}`, comma-separated) of the fields collect finds in value,
 * written as it walks, in the order encodeFields writes them: `.` first in a list element.
 * names: the field names above value, a stack this walk pushes to and pops from (every create
 * goes through here: no copies of it, no entry arrays). skip: fields of value nobody owns.
 */
function membersOf(value: JsonObject, names: string[], skip?: ReadonlySet<string>): string | typeof REPEATED {
  let out = '';
  for (const field in value) {
    const v = value[field];
    if (v === null || v === undefined || skip?.has(field)) continue;
    const member = memberOf(field, v, names);
    if (member === REPEATED) return REPEATED;
    if (member) out += out ? ',' + member : member;
  }
  return out;
}

/** One field's member (`"f:field":{...}`), '' when it sets nothing. */
function memberOf(field: string, v: Json, names: string[], skip?: ReadonlySet<string>): string | typeof REPEATED {
  // A path's text joins elements with SEPARATOR; a name holding it could be another path's text.
  if (field.includes(SEPARATOR)) return REPEATED;
  let inner = '';
  if (Array.isArray(v) && v.length > 0) {
    const shape = listShape(names, field, v);
    if (shape !== 'atomic') {
      const seen = v.length > 1 ? new Set<string>() : undefined;
      names.push(field);
      for (const item of v) {
        const element = shape === 'set' ? `v:${JSON.stringify(item)}` : keyElement(item, shape.key)!;
        if (seen?.has(element)) return REPEATED;
        seen?.add(element);
        let content = '';
        if (shape !== 'set') {
          const members = membersOf(item as JsonObject, names);
          if (members === REPEATED) return REPEATED;
          if (members) content = '".":{},' + members;
        }
        inner += (inner ? ',' : '') + quoted(element) + ':{' + content + '}';
      }
      names.pop();
    }
  } else if (isObject(v) && (skip !== undefined || hasKeys(v))) {
    names.push(field);
    const members = membersOf(v, names, skip);
    names.pop();
    if (members === REPEATED) return REPEATED;
    // An object whose fields are all null (or nobody's) sets no field.
    if (!members) return '';
    inner = members;
  }
  return quoted('f:' + field) + ':{' + inner + '}';
}

/**
 * The FieldsV1 text of fieldsOf(json, part), as encodeFields then JSON.stringify write it, or
 * undefined when the part sets no field. Written in one walk of the object, without the set of
 * paths (a create, which owns every field it sets, needs nothing else).
 */
export function encodedFieldsOf(json: JsonObject, part: FieldPart = 'all'): string | undefined {
  let out = '';
  const names: string[] = [];
  for (const field in json) {
    const v = json[field];
    if (field === 'apiVersion' || field === 'kind' || v === null || v === undefined) continue;
    if (part !== 'all' && (field === 'status') !== (part === 'status')) continue;
    const member = memberOf(field, v, names, field === 'metadata' && isObject(v) ? UNOWNED_METADATA : undefined);
    if (member === REPEATED) {
      const set = fieldsOf(json, part);
      return set.size > 0 ? JSON.stringify(encodeFields(set)) : undefined;
    }
    if (member) out += out ? ',' + member : member;
  }
  return out ? '{' + out + '}' : undefined;
}

/** The value a path names in an object, or undefined when the object does not have it. */
export function valueAt(json: Json, path: FieldPath): Json | undefined {
  let here: Json | undefined = json;
  for (const element of path) {
    if (here === undefined) return undefined;
    if (element.startsWith('f:')) {
      here = isObject(here) ? here[element.slice(2)] : undefined;
    } else if (element.startsWith('k:')) {
      const [[key, want]] = Object.entries(JSON.parse(element.slice(2)) as JsonObject) as [[string, Json]];
      here = Array.isArray(here) ? here.find((item) => isObject(item) && sameValue(item[key], want)) : undefined;
    } else if (element.startsWith('v:')) {
      const want = JSON.parse(element.slice(2)) as Json;
      here = Array.isArray(here) && here.some((item) => sameValue(item, want)) ? want : undefined;
    } else {
      return undefined;
    }
  }
  return here === null ? undefined : here;
}

export function sameValue(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as Json[]).length && a.every((x, i) => sameValue(x, (b as Json[])[i]));
  const ak = Object.keys(a);
  const bo = b as JsonObject;
  return ak.length === Object.keys(bo).length && ak.every((k) => sameValue(a[k], bo[k]));
}

/** Paths whose elements continue below them in the set: a list element with its fields. */
function parentsIn(set: FieldSet): Set<string> {
  const parents = new Set<string>();
  for (const path of set.values()) {
    for (let i = 1; i < path.length; i++) parents.add(pathKey(path.slice(0, i)));
  }
  return parents;
}

/**
 * The fields of `after` that a write from `before` to `after` set or changed, and those it
 * removed. A path with fields below it (a list element) counts as changed only when it is new;
 * its fields speak for its content.
 */
export function changedFields(before: FieldSet, after: FieldSet, beforeJson: JsonObject, afterJson: JsonObject): { changed: FieldSet; removed: FieldSet } {
  const changed: FieldSet = new Map();
  const parents = parentsIn(after);
  for (const [key, path] of after) {
    if (!before.has(key) || (!parents.has(key) && !sameValue(valueAt(beforeJson, path), valueAt(afterJson, path)))) changed.set(key, path);
  }
  return { changed, removed: difference(before, after) };
}

export function union(...sets: FieldSet[]): FieldSet {
  const out: FieldSet = new Map();
  for (const set of sets) for (const [key, path] of set) out.set(key, path);
  return out;
}

export function difference(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = new Map();
  for (const [key, path] of a) if (!b.has(key)) out.set(key, path);
  return out;
}

export function intersection(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = new Map();
  for (const [key, path] of a) if (b.has(key)) out.set(key, path);
  return out;
}

/** The set as FieldsV1 JSON. */
export function encodeFields(set: FieldSet): JsonObject {
  const root: JsonObject = {};
  const parents = parentsIn(set);
  for (const [key, path] of set) {
    let node = root;
    for (const element of path) node = (node[element] ??= {}) as JsonObject;
    if (parents.has(key)) node['.'] = {};
  }
  return root;
}

/** FieldsV1 JSON as a set: every empty object ends a path; `.` ends one at its parent. */
export function decodeFields(fields: JsonObject): FieldSet {
  const out: FieldSet = new Map();
  const walk = (node: JsonObject, path: string[]): void => {
    const entries = Object.entries(node);
    if (entries.length === 0 && path.length > 0) out.set(pathKey(path), path);
    for (const [element, child] of entries) {
      if (element === '.') out.set(pathKey(path), path);
      else if (isObject(child)) walk(child, [...path, element]);
    }
  };
  walk(fields, []);
  return out;
}

/** A path as Kubernetes prints it in a conflict: `.spec.containers[name="app"].image`. */
export function describePath(path: FieldPath): string {
  return path
    .map((element) => {
      if (element.startsWith('f:')) return `.${element.slice(2)}`;
      if (element.startsWith('k:')) {
        const fields = Object.entries(JSON.parse(element.slice(2)) as JsonObject).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
        return `[${fields.join(',')}]`;
      }
      if (element.startsWith('v:')) return `[=${element.slice(2)}]`;
      return element;
    })
    .join('');
}

/**
 * Removes the fields of `set` from an object (in place). A list element goes whole unless `keep`
 * holds something under it; then only its other fields go, never the key that names it. Objects
 * and lists a removal leaves empty go too.
 */
export function removeFields(json: JsonObject, set: FieldSet, keep: FieldSet): void {
  const kept = parentsIn(keep);
  const removed: string[] = [];
  // Shortest first: an element removed whole takes its fields with it.
  const paths = [...set.values()].sort((a, b) => a.length - b.length);
  for (const path of paths) {
    const key = pathKey(path);
    if (keep.has(key) || kept.has(key)) continue;
    if (removed.some((prefix) => key.startsWith(prefix + SEPARATOR))) continue;
    if (isElementKey(path)) continue;
    removePath(json, path);
    removed.push(key);
  }
}

/** Whether the path is the key field of a list element (`k:{"name":"a"}` then `f:name`). */
function isElementKey(path: FieldPath): boolean {
  const parent = path[path.length - 2];
  const last = path[path.length - 1]!;
  return parent !== undefined && parent.startsWith('k:') && last.startsWith('f:') && last.slice(2) in (JSON.parse(parent.slice(2)) as JsonObject);
}

function removePath(json: JsonObject, path: FieldPath): void {
  const trail: { container: Json; element: string }[] = [];
  let here: Json | undefined = json;
  for (const element of path) {
    if (here === undefined) return;
    trail.push({ container: here, element });
    here = childOf(here, element);
  }
  if (here === undefined) return;
  // Remove the last element, then any container the removal emptied, upwards.
  for (let i = trail.length - 1; i >= 0; i--) {
    const { container, element } = trail[i]!;
    removeChild(container, element);
    const empty = Array.isArray(container) ? container.length === 0 : isObject(container) && Object.keys(container).length === 0;
    if (!empty || i === 0) return;
  }
}

function childOf(container: Json, element: string): Json | undefined {
  const value = valueAt(container, [element]);
  if (!element.startsWith('v:') || !Array.isArray(container)) return value;
  return value === undefined ? undefined : container;
}

function removeChild(container: Json, element: string): void {
  if (element.startsWith('f:') && isObject(container)) {
    delete container[element.slice(2)];
  } else if (Array.isArray(container)) {
    const target = element.startsWith('k:') ? valueAt(container, [element]) : (JSON.parse(element.slice(2)) as Json);
    const index = container.findIndex((item) => item === target || sameValue(item, target ?? null));
    if (index >= 0) container.splice(index, 1);
  }
}
