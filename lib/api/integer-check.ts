import protobuf from 'protobufjs';
import { unwrap, type Envelope } from './envelope.js';
import { badRequest, invalid, type ApiError } from './errors.js';
import { integerRangeProblem, isIntegerType } from './integer-range.js';
import { resolvedTypeOf } from './schema-on-demand.js';
import { FieldError } from '../validation/field-errors.js';

// A request's integers, checked before protobufjs encodes them (it would wrap 4294967299 to 3 in an
// int32 and turn "3" or 1.5 into 3 or 1 without a word), and the one error both the client and the
// apiserver report for integers that do not fit.

/** An integer (or a value that should have been one) its field cannot hold. */
export interface IntegerProblem {
  /** From the request's root, with list indexes: `object.pod.spec.containers[0].ports[1].containerPort`. */
  path: string;
  value: unknown;
  rule: string;
}

function checkValue(field: protobuf.Field, value: unknown, path: string, found: IntegerProblem[]): void {
  if (value === undefined || value === null) return;
  const type = resolvedTypeOf(field);
  if (type instanceof protobuf.Type) {
    if (typeof value === 'object') collectIntegerProblems(type, value as Record<string, unknown>, path, found);
    return;
  }
  if (!isIntegerType(field.type)) return;
  if (typeof value !== 'number' && typeof value !== 'bigint') {
    found.push({ path, value, rule: `expected integer, got ${typeof value}` });
    return;
  }
  const rule = integerRangeProblem(field.type, value);
  if (rule !== undefined) found.push({ path, value, rule });
}

/** Every integer of a decoded-shape message that its field's type cannot hold. */
export function findIntegerProblems(type: protobuf.Type, message: Record<string, unknown>, path = '', found: IntegerProblem[] = []): IntegerProblem[] {
  // Nearly every request is fine: a walk that builds no paths says so, and only a message with a
  // problem is walked again for the paths (they cost a string per field of every request).
  if (!hasIntegerProblem(type, message)) return found;
  return collectIntegerProblems(type, message, path, found);
}

function collectIntegerProblems(type: protobuf.Type, message: Record<string, unknown>, path: string, found: IntegerProblem[]): IntegerProblem[] {
  for (const field of type.fieldsArray) {
    const value = message[field.name];
    if (value === undefined || value === null) continue;
    const where = path ? `${path}.${field.name}` : field.name;
    if (field.map) {
      for (const [k, x] of Object.entries(value as Record<string, unknown>)) checkValue(field, x, `${where}[${k}]`, found);
    } else if (field.repeated && Array.isArray(value)) {
      value.forEach((x, i) => checkValue(field, x, `${where}[${i}]`, found));
    } else {
      checkValue(field, value, where, found);
    }
  }
  return found;
}

/**
 * Whether any integer in the message does not fit. Walks the keys the message has rather than the
 * fields its type has: the envelope of a create has a field per kind and carries one of them.
 */
function hasIntegerProblem(type: protobuf.Type, message: Record<string, unknown>): boolean {
  const fields = type.fields;
  for (const key of Object.keys(message)) {
    const field = fields[key];
    const value = message[key];
    if (!field || value === undefined || value === null) continue;
    if (field.map) {
      for (const x of Object.values(value as Record<string, unknown>)) if (valueHasProblem(field, x)) return true;
    } else if (field.repeated && Array.isArray(value)) {
      for (const x of value) if (valueHasProblem(field, x)) return true;
    } else if (valueHasProblem(field, value)) {
      return true;
    }
  }
  return false;
}

function valueHasProblem(field: protobuf.Field, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  const type = resolvedTypeOf(field);
  if (type instanceof protobuf.Type) return typeof value === 'object' && hasIntegerProblem(type, value as Record<string, unknown>);
  if (!isIntegerType(field.type)) return false;
  if (typeof value !== 'number' && typeof value !== 'bigint') return true;
  return integerRangeProblem(field.type, value) !== undefined;
}

/**
 * Reports integers that do not fit as Kubernetes reports a bad field: Invalid against the object
 * when they are in the object the request carries (`spec.replicas`), else BadRequest naming the
 * request's field (`options.gracePeriodSeconds`).
 */
export function integerProblemsError(requestName: string, request: { object?: Envelope | null }, found: IntegerProblem[]): ApiError {
  const carried = unwrap(request.object);
  const prefix = carried ? `object.${carried.info.field}.` : undefined;
  if (carried && prefix && found.every((f) => f.path.startsWith(prefix))) {
    const meta = carried.object.metadata;
    const errors = found.map((f) => new FieldError('FieldValueInvalid', f.path.slice(prefix.length), f.value, f.rule));
    // The name is only as well-typed as the rest of the request: a number there must not break the report.
    const name = [meta?.name, meta?.generateName].find((n): n is string => typeof n === 'string') ?? '';
    return invalid(carried.info.kind, name, errors);
  }
  const problems = found.map((f) => new FieldError('FieldValueInvalid', f.path, f.value, f.rule).message);
  return badRequest(`invalid ${requestName}: ${problems.join(', ')}`);
}
