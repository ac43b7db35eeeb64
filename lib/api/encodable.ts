import protobuf from 'protobufjs';
import { integerRangeProblem, isIntegerType } from './integer-range.js';
import { resolvedTypeOf } from './schema-on-demand.js';

// protobufjs' fromObject copies a message before it is encoded so that values of another
// JavaScript type become the field's (a number in a string field, "3" in an int32, base64 text in
// a bytes field). A message whose every value already has its field's type encodes to the same
// bytes without that copy, which costs a walk and an allocation for every nested message; what a
// client sends is nearly always such a message. Telling takes one walk of the keys present, which
// also proves that every integer fits its field.

type Rule =
  | { kind: 'string' | 'bool' | 'number' | 'bytes' | 'never' }
  | { kind: 'integer'; type: string }
  | { kind: 'message'; type: protobuf.Type };

const NEVER: Rule = { kind: 'never' };
const SCALARS: Record<string, Rule> = {
  string: { kind: 'string' },
  bool: { kind: 'bool' },
  double: { kind: 'number' },
  float: { kind: 'number' },
  bytes: { kind: 'bytes' },
};
// Types protobufjs converts specially in fromObject (google.protobuf.Any's JSON form).
const WRAPPED = new Set(Object.keys(protobuf.wrappers));

const rules = new WeakMap<protobuf.Field, Rule>();

/** What a value of the field must be to encode as it is; a field's type is resolved the first time a message has it. */
function ruleOf(field: protobuf.Field): Rule {
  let rule = rules.get(field);
  if (rule) return rule;
  const type = resolvedTypeOf(field);
  if (field instanceof protobuf.MapField && field.keyType !== 'string') rule = NEVER;
  else if (type instanceof protobuf.Type) rule = WRAPPED.has(type.fullName) ? NEVER : { kind: 'message', type };
  else if (type) rule = NEVER; // an enum: fromObject maps its names to numbers
  else if (isIntegerType(field.type)) rule = { kind: 'integer', type: field.type };
  else rule = SCALARS[field.type] ?? NEVER;
  rules.set(field, rule);
  return rule;
}

function fits(rule: Rule, value: unknown): boolean {
  switch (rule.kind) {
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number';
    case 'bytes':
      return value instanceof Uint8Array;
    case 'integer':
      return typeof value === 'number' && integerRangeProblem(rule.type, value) === undefined;
    case 'message':
      return isPlainObject(value) && encodesAsIs(rule.type, value);
    case 'never':
      return false;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/**
 * Whether `type.encode(message)` writes the same bytes as `type.encode(type.fromObject(message))`
 * and every integer in it fits its field: each value present has exactly the JavaScript type its
 * field encodes (strings, booleans, numbers, integers in range, Uint8Arrays, plain objects for
 * messages and maps, arrays for repeated fields). Keys that name no field are ignored by both.
 */
export function encodesAsIs(type: protobuf.Type, message: Record<string, unknown>): boolean {
  const fields = type.fields;
  for (const key of Object.keys(message)) {
    const field = fields[key];
    const value = message[key];
    if (!field || value === undefined || value === null) continue;
    const rule = ruleOf(field);
    if (field.map) {
      if (!isPlainObject(value)) return false;
      for (const k in value) if (!fits(rule, value[k])) return false;
    } else if (field.repeated) {
      if (!Array.isArray(value)) return false;
      for (const x of value) if (!fits(rule, x)) return false;
    } else if (!fits(rule, value)) {
      return false;
    }
  }
  return true;
}
