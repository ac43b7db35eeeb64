import type { Taint } from '../lib/api/generated/index.js';
import { TAINT_NO_EXECUTE, TAINT_NO_SCHEDULE, TAINT_PREFER_NO_SCHEDULE } from '../lib/api/taints.js';
import { isQualifiedName, isValidLabelValue } from '../lib/validation/names.js';
import { CliError } from './errors.js';

// kubectl taint's arguments: `key=value:Effect` or `key:Effect` adds, `key-` or `key:Effect-`
// removes; and how the node's taint list changes, with kubectl's messages.

const EFFECTS = [TAINT_NO_SCHEDULE, TAINT_PREFER_NO_SCHEDULE, TAINT_NO_EXECUTE];

export interface TaintEdits {
  add: Taint[];
  /** Taints to remove: a key, and an effect when given (else every effect of the key). */
  remove: Taint[];
}

/** Whether an argument of `taint` is a taint change rather than a resource. */
export function isTaintSpec(arg: string): boolean {
  return arg.includes('=') || arg.includes(':') || arg.endsWith('-');
}

function taintString(t: Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}${t.effect ? `:${t.effect}` : ''}`;
}

function parseTaint(spec: string, removing: boolean): Taint {
  const parts = spec.split(':');
  if (parts.length > 2) throw new CliError(`invalid taint spec: ${spec}`);
  const [keyValue = '', effect] = parts;
  if (effect !== undefined && !EFFECTS.includes(effect)) throw new CliError(`invalid taint effect: ${effect}, unsupported taint effect`);
  if (effect === undefined && !removing) throw new CliError(`invalid taint spec: ${spec}, the effect is required (one of ${EFFECTS.join(', ')})`);
  const kv = keyValue.split('=');
  if (kv.length > 2) throw new CliError(`invalid taint spec: ${spec}`);
  const [key = '', value] = kv;
  const problems = [...isQualifiedName(key), ...(value !== undefined ? isValidLabelValue(value) : [])];
  if (problems.length > 0) throw new CliError(`invalid taint spec: ${spec}, ${problems.join('; ')}`);
  return { key, ...(value ? { value } : {}), ...(effect ? { effect } : {}) };
}

export function parseTaintSpecs(specs: readonly string[]): TaintEdits {
  const edits: TaintEdits = { add: [], remove: [] };
  for (const spec of specs) {
    if (spec.endsWith('-')) {
      edits.remove.push(parseTaint(spec.slice(0, -1), true));
      continue;
    }
    const taint = parseTaint(spec, false);
    if (edits.add.some((t) => t.key === taint.key && t.effect === taint.effect)) {
      throw new CliError(`duplicated taints with the same key and effect: ${taintString(taint)}`);
    }
    edits.add.push(taint);
  }
  for (const r of edits.remove) {
    if (edits.add.some((a) => a.key === r.key && (!r.effect || a.effect === r.effect))) {
      throw new CliError(`can not both modify and remove the following taint(s) in the same command: ${taintString(r)}`);
    }
  }
  return edits;
}

const sameSlot = (a: Taint, b: Taint) => a.key === b.key && a.effect === b.effect;

/**
 * The node's taints after the edits, and kubectl's word for what happened (tainted, untainted or
 * modified). Without overwrite a taint already set for the same key and effect is an error, as is
 * removing one that is not there.
 */
export function applyTaintEdits(
  nodeName: string,
  current: readonly Taint[],
  edits: TaintEdits,
  overwrite: boolean,
  now: string,
): { taints: Taint[]; operation: 'tainted' | 'untainted' | 'modified' } {
  if (!overwrite) {
    const clashing = edits.add.filter((t) => current.some((c) => sameSlot(c, t))).map((t) => t.key);
    if (clashing.length > 0) throw new CliError(`node ${nodeName} already has ${clashing.join(',')} taint(s) with same effect(s) and --overwrite is false`);
  }
  const added = edits.add.map((t) => (t.effect === TAINT_NO_EXECUTE ? { ...t, timeAdded: now } : t));
  let taints = [...added, ...current.filter((c) => !added.some((t) => sameSlot(c, t)))];
  for (const r of edits.remove) {
    const matches = (t: Taint) => t.key === r.key && (!r.effect || t.effect === r.effect);
    if (!taints.some(matches)) throw new CliError(`taint "${taintString(r)}" not found`);
    taints = taints.filter((t) => !matches(t));
  }
  const adding = edits.add.length > 0;
  const operation = (adding && edits.remove.length > 0) || overwrite ? 'modified' : adding ? 'tainted' : 'untainted';
  return { taints, operation };
}
