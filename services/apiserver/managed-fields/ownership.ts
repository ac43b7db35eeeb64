import type { ManagedFieldsEntry } from '../../../lib/api/generated/index.js';
import {
  changedFields,
  decodeFields,
  describePath,
  difference,
  encodeFields,
  encodedFieldsOf,
  fieldsOf,
  intersection,
  removeFields,
  union,
  type FieldPart,
  type FieldPath,
  type FieldSet,
  type JsonObject,
} from './field-set.js';

// Who owns which fields of an object, entry by entry as metadata.managedFields keeps them, and
// how a write changes that: an Update takes the fields it changed from everyone else; an Apply
// owns exactly the fields of its configuration, fails on fields others own with other values
// (unless forced, which takes them) and removes the fields it stopped applying that nobody else
// owns.

export interface Writer {
  manager: string;
  apiVersion: string;
  /** '' for the main resource, else the subresource written ("status"). */
  subresource: string;
  /** RFC 3339, the time written into the writer's entry. */
  time: string;
}

interface Owned {
  entry: ManagedFieldsEntry;
  fields: FieldSet;
}

export interface Conflict {
  /** How Kubernetes names the other manager: `"name"`, or `"name" using apps/v1` for an Update. */
  manager: string;
  path: FieldPath;
}

export class ApplyConflicts extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(conflictMessage(conflicts));
    this.name = 'ApplyConflicts';
  }
}

function decodeEntries(entries: readonly ManagedFieldsEntry[] | undefined): Owned[] {
  return (entries ?? [])
    .filter((entry) => entry.manager || entry.operation)
    .map((entry) => ({ entry, fields: decodeFields(JSON.parse(entry.fieldsV1?.raw || '{}') as JsonObject) }));
}

function encodeEntries(owned: readonly Owned[]): ManagedFieldsEntry[] {
  return owned
    .filter((o) => o.fields.size > 0)
    .map((o) => ({ ...o.entry, fieldsType: 'FieldsV1', fieldsV1: { raw: JSON.stringify(encodeFields(o.fields)) } }));
}

function isWriters(entry: ManagedFieldsEntry, writer: Writer, operation: 'Apply' | 'Update'): boolean {
  return entry.manager === writer.manager && entry.operation === operation && (entry.subresource ?? '') === writer.subresource;
}

/** The entries with the writer's own replaced by (or, first time, added as) `fields`. */
function withWriter(owned: Owned[], writer: Writer, operation: 'Apply' | 'Update', fields: FieldSet): Owned[] {
  const entry: ManagedFieldsEntry = { manager: writer.manager, operation, apiVersion: writer.apiVersion, time: writer.time, subresource: writer.subresource || undefined };
  const index = owned.findIndex((o) => isWriters(o.entry, writer, operation));
  const next = { entry, fields };
  return index < 0 ? [...owned, next] : owned.map((o, i) => (i === index ? next : o));
}

/** The entries of a newly created object: its creator owns every field it set. */
export function ownersOnCreate(json: JsonObject, part: FieldPart, writer: Writer): ManagedFieldsEntry[] {
  const raw = encodedFieldsOf(json, part);
  if (raw === undefined) return [];
  return [{ manager: writer.manager, operation: 'Update', apiVersion: writer.apiVersion, time: writer.time, fieldsType: 'FieldsV1', fieldsV1: { raw } }];
}

/**
 * The entries after an Update from `before` to `after`, or undefined when it changed none of
 * the part's fields (entries and their times stay as they were, so a no-op write stays one).
 */
export function ownersOnUpdate(entries: readonly ManagedFieldsEntry[] | undefined, before: JsonObject, after: JsonObject, part: FieldPart, writer: Writer): ManagedFieldsEntry[] | undefined {
  const { changed, removed } = changedFields(fieldsOf(before, part), fieldsOf(after, part), before, after);
  if (changed.size === 0 && removed.size === 0) return undefined;
  const owned = decodeEntries(entries).map((o) => ({ ...o, fields: difference(difference(o.fields, changed), removed) }));
  const mine = owned.find((o) => isWriters(o.entry, writer, 'Update'))?.fields ?? new Map();
  return encodeEntries(withWriter(owned, writer, 'Update', union(mine, changed)));
}

/** How a conflict names a manager (Kubernetes' printManager without the time). */
function managerName(entry: ManagedFieldsEntry): string {
  const name = `"${entry.manager ?? ''}"${entry.subresource ? ` with subresource "${entry.subresource}"` : ''}`;
  return entry.operation === 'Update' ? `${name} using ${entry.apiVersion ?? ''}` : name;
}

function conflictMessage(conflicts: readonly Conflict[]): string {
  if (conflicts.length === 1) return `Apply failed with 1 conflict: conflict with ${conflicts[0]!.manager}: ${describePath(conflicts[0]!.path)}`;
  const byManager = new Map<string, FieldPath[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
  const lines = [...byManager.keys()].sort().flatMap((manager) => [`conflicts with ${manager}:`, ...byManager.get(manager)!.map((p) => `- ${describePath(p)}`)]);
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/**
 * Server-side apply of a configuration onto the live object (both Kubernetes JSON of the main
 * resource), given the live object with the configuration merged in. Returns the object to
 * store (the merge, less the fields the writer stopped applying and nobody else owns) and its
 * entries; throws ApplyConflicts when the merge changes fields other managers own, unless forced.
 */
export function applyOwnership(
  entries: readonly ManagedFieldsEntry[] | undefined,
  live: JsonObject,
  applied: JsonObject,
  merged: JsonObject,
  part: FieldPart,
  writer: Writer,
  force: boolean,
): { object: JsonObject; managedFields: ManagedFieldsEntry[] } {
  const appliedFields = fieldsOf(applied, part);
  const { changed } = changedFields(fieldsOf(live, part), fieldsOf(merged, part), live, merged);
  const taken = intersection(changed, appliedFields);
  const owned = decodeEntries(entries);
  const conflicts: Conflict[] = [];
  const mine = (o: Owned): boolean => isWriters(o.entry, writer, 'Apply');
  // A manager's own Update entry never conflicts with its Apply; forcing takes the fields.
  const after = owned.map((o) => {
    if (mine(o) || o.entry.manager === writer.manager) return o;
    const overlap = intersection(o.fields, taken);
    if (overlap.size > 0 && !force) conflicts.push(...[...overlap.values()].map((path) => ({ manager: managerName(o.entry), path })));
    return { ...o, fields: difference(o.fields, overlap) };
  });
  if (conflicts.length > 0) throw new ApplyConflicts(conflicts);
  const previous = owned.find(mine)?.fields ?? new Map<string, FieldPath>();
  const kept = union(...after.filter((o) => !mine(o)).map((o) => o.fields));
  const object = structuredClone(merged);
  removeFields(object, difference(difference(previous, appliedFields), kept), kept);
  return { object, managedFields: encodeEntries(withWriter(after, writer, 'Apply', appliedFields)) };
}
