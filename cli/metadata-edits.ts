import { isQualifiedName, isValidLabelValue } from '../lib/validation/names.js';
import { CliError } from './errors.js';

// The `key=value` / `key-` arguments of `kubets label` and `kubets annotate`, parsed and applied
// as kubectl does.

interface MetadataEdits {
  set: Record<string, string>;
  remove: string[];
}

export type MetadataKind = 'label' | 'annotation';

/** Splits `TYPE NAME... key=value key-` into resource arguments and edits; resources must come first. */
export function splitResourcesAndEdits(args: readonly string[], verb: string): { resources: string[]; edits: string[] } {
  const resources: string[] = [];
  const edits: string[] = [];
  for (const arg of args) {
    const isEdit = arg.includes('=') || arg.endsWith('-');
    if (isEdit) edits.push(arg);
    else if (edits.length > 0) throw new CliError(`all resources must be specified before ${verb} changes: ${arg}`);
    else resources.push(arg);
  }
  return { resources, edits };
}

export function parseMetadataEdits(specs: readonly string[], kind: MetadataKind): MetadataEdits {
  const edits: MetadataEdits = { set: {}, remove: [] };
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq >= 0) {
      const key = spec.slice(0, eq);
      const value = spec.slice(eq + 1);
      const keyErrors = isQualifiedName(key);
      if (keyErrors.length > 0) throw new CliError(`invalid ${kind} spec: ${spec}: ${keyErrors.join('; ')}`);
      if (kind === 'label') {
        const valueErrors = isValidLabelValue(value);
        if (valueErrors.length > 0) throw new CliError(`invalid label value: "${spec}": ${valueErrors.join('; ')}`);
      }
      edits.set[key] = value;
    } else if (spec.endsWith('-') && spec.length > 1) {
      edits.remove.push(spec.slice(0, -1));
    } else {
      throw new CliError(`unknown ${kind} spec: ${spec}`);
    }
  }
  for (const key of edits.remove) {
    if (key in edits.set) throw new CliError(`can not both modify and remove ${kind === 'label' ? 'a label' : 'an annotation'} in the same command`);
  }
  return edits;
}

interface EditResult {
  next: Record<string, string>;
  changed: boolean;
  /** Keys asked to be removed that were not there (kubectl warns about each). */
  missing: string[];
}

/** Applies edits to one object's labels or annotations; an existing different value needs `overwrite`. */
export function applyMetadataEdits(current: Readonly<Record<string, string>>, edits: MetadataEdits, kind: MetadataKind, overwrite: boolean): EditResult {
  const next: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(edits.set)) {
    const existing = current[key];
    if (existing !== undefined && existing !== value && !overwrite) {
      throw new CliError(`'${key}' already has a value (${existing}), and --overwrite is false`);
    }
    next[key] = value;
  }
  const missing: string[] = [];
  for (const key of edits.remove) {
    if (key in next) delete next[key];
    else missing.push(key);
  }
  const changed = JSON.stringify(Object.entries(next).sort()) !== JSON.stringify(Object.entries(current).sort());
  return { next, changed, missing };
}
