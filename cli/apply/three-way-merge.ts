import { isDeepStrictEqual } from 'node:util';
import { mergeKeyFor } from '../../lib/patch/strategic-merge.js';

// kubectl apply's three-way strategic merge patch (CreateThreeWayMergePatch): from the
// configuration applied last time (original), the one being applied now (modified) and the live
// object (current), the patch that makes the live object match the new configuration while
// keeping what others set. Changes and additions come from current→modified; deletions only from
// original→modified, so a field is removed exactly when it was in the last applied file and is no
// longer in this one. Lists with a patch merge key are diffed element by element on that key
// (removed elements become `$patch: delete`); other lists are replaced as a whole.

export type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function keyedElements(list: unknown[], key: string): list is JsonObject[] {
  return list.every((item) => isObject(item) && item[key] !== undefined && item[key] !== null);
}

function diffKeyedList(original: JsonObject[], modified: JsonObject[], current: JsonObject[], key: string, path: string[]): JsonObject[] {
  const find = (list: JsonObject[], value: unknown) => list.find((item) => isDeepStrictEqual(item[key], value));
  const patch: JsonObject[] = [];
  for (const element of modified) {
    const live = find(current, element[key]);
    if (!live) {
      patch.push(element);
      continue;
    }
    const delta = diffObjects(find(original, element[key]), element, live, path);
    if (Object.keys(delta).length > 0) patch.push({ [key]: element[key], ...delta });
  }
  for (const element of original) {
    if (!find(modified, element[key]) && find(current, element[key])) patch.push({ [key]: element[key], $patch: 'delete' });
  }
  return patch;
}

function diffObjects(original: JsonObject | undefined, modified: JsonObject, current: JsonObject | undefined, path: string[]): JsonObject {
  const patch: JsonObject = {};
  for (const field of Object.keys(original ?? {})) {
    if (!(field in modified) && current !== undefined && field in current) patch[field] = null;
  }
  for (const [field, want] of Object.entries(modified)) {
    const live = current?.[field];
    const last = original?.[field];
    const fieldPath = [...path, field];
    if (want === null) {
      if (live !== undefined) patch[field] = null;
    } else if (isObject(want) && isObject(live)) {
      const delta = diffObjects(isObject(last) ? last : undefined, want, live, fieldPath);
      if (Object.keys(delta).length > 0) patch[field] = delta;
    } else if (Array.isArray(want) && Array.isArray(live)) {
      const key = mergeKeyFor(path, field);
      if (key && keyedElements(want, key) && keyedElements(live, key)) {
        const lastList = Array.isArray(last) && keyedElements(last, key) ? last : [];
        const delta = diffKeyedList(lastList, want, live, key, fieldPath);
        if (delta.length > 0) patch[field] = delta;
      } else if (!isDeepStrictEqual(want, live)) {
        patch[field] = want;
      }
    } else if (!isDeepStrictEqual(want, live)) {
      patch[field] = want;
    }
  }
  return patch;
}

/** The strategic merge patch that takes `current` to `modified`, deleting what `original` had and `modified` dropped. */
export function threeWayMergePatch(original: JsonObject | undefined, modified: JsonObject, current: JsonObject): JsonObject {
  return diffObjects(original, modified, current, []);
}
