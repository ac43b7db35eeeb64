import protobuf from 'protobufjs';
import { integerRangeProblem, isIntegerType } from './integer-range.js';
import { lookupMessage } from './proto.js';
import { resolvedTypeOf } from './schema-on-demand.js';
import { FieldError, OMIT_VALUE } from '../validation/field-errors.js';
import { toStoredVersion } from './conversion/index.js';
import { ApiError } from './errors.js';
import { acceptsApiVersion, resourceByKind, resourceForApiVersion, resources, type AnyObject, type ResourceInfo } from './resources.js';

// Converts between Kubernetes' v1 JSON (what users write in manifests and read with -o json/yaml)
// and our decoded protobuf objects, driven by the schema's reflection so that every kind is
// handled by the same code. Decoding is strict: protobufjs would silently drop unknown fields.

const INT_OR_STRING = '.kubets.v1.IntOrString';
const FIELDS_V1 = '.kubets.v1.FieldsV1';

/** One thing a decode found wrong: a field error when it concerns a field's value, else a sentence. */
export type DecodeProblem = FieldError | string;

export class DecodeError extends Error {
  /** Each problem as text, as kubectl prints it. */
  readonly problems: string[];

  constructor(readonly found: DecodeProblem[]) {
    const problems = found.map(String);
    super(problems.length === 1 ? problems[0]! : `[${problems.join(', ')}]`);
    this.name = 'DecodeError';
    this.problems = problems;
  }
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isIntOrString(field: protobuf.Field): boolean {
  return resolvedTypeOf(field)?.fullName === INT_OR_STRING;
}

// proto3 `optional` scalars live in a synthetic one-of named after the field; their zero values
// are meaningful (replicas: 0) and must be written out.
function hasPresence(field: protobuf.Field): boolean {
  return field.partOf != null || resolvedTypeOf(field) instanceof protobuf.Type;
}

function isZero(v: unknown): boolean {
  return v === 0 || v === '' || v === false || (Buffer.isBuffer(v) && v.length === 0);
}

function isFieldsV1(field: protobuf.Field): boolean {
  return resolvedTypeOf(field)?.fullName === FIELDS_V1;
}

function scalarToJSON(v: unknown): Json {
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return v as Json;
}

function intOrStringToJSON(v: unknown): Json {
  const ios = v as { intVal?: number; strVal?: string };
  return ios.strVal !== undefined && ios.strVal !== '' ? ios.strVal : (ios.intVal ?? 0);
}

function fieldsV1ToJSON(v: unknown): Json {
  return JSON.parse((v as { raw?: string }).raw || '{}') as Json;
}

/** How messageToJSON writes a field's values, worked out from the schema once, when the field is first written. */
interface FieldWriter {
  /** Whether a zero value is written too. */
  presence: boolean;
  toJSON: (v: unknown) => Json;
}

function fieldWriter(field: protobuf.Field): FieldWriter {
  const type = resolvedTypeOf(field);
  let toJSON: (v: unknown) => Json = scalarToJSON;
  if (isIntOrString(field)) toJSON = intOrStringToJSON;
  else if (isFieldsV1(field)) toJSON = fieldsV1ToJSON;
  else if (type instanceof protobuf.Type) toJSON = (v) => messageToJSON(type, v as Record<string, unknown>);
  return { presence: hasPresence(field), toJSON };
}

/** Each type's field writers, by the field's place in fieldsArray. */
const fieldWriters = new WeakMap<protobuf.Type, (FieldWriter | undefined)[]>();

function messageToJSON(type: protobuf.Type, value: Record<string, unknown>): JsonObject {
  return writeFields(type, value, {});
}

/** Writes the fields of value into out, in schema order, but those in skip. */
function writeFields(type: protobuf.Type, value: Record<string, unknown>, out: JsonObject, skip?: ReadonlySet<string>): JsonObject {
  const fields = type.fieldsArray;
  let writers = fieldWriters.get(type);
  if (!writers) fieldWriters.set(type, (writers = []));
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const v = value[field.name];
    if (v === undefined || v === null || skip?.has(field.name)) continue;
    const { presence, toJSON } = (writers[i] ??= fieldWriter(field));
    if (field.map) {
      const map = v as Record<string, unknown>;
      let written: JsonObject | undefined;
      for (const k in map) (written ??= {})[k] = toJSON(map[k]);
      if (written) out[field.name] = written;
    } else if (field.repeated) {
      const list = v as unknown[];
      if (list.length > 0) out[field.name] = list.map(toJSON);
    } else if (presence || !isZero(v)) {
      out[field.name] = toJSON(v);
    }
  }
  return out;
}

/** The fields toKubeJSON writes from the resource instead of the object. */
const TYPE_META = new Set(['apiVersion', 'kind']);

/** Kubernetes' JSON for an object: apiVersion and kind first, then the fields in schema order. */
export function toKubeJSON(info: ResourceInfo, object: AnyObject): JsonObject {
  return writeFields(lookupMessage(info.kind), object as Record<string, unknown>, { apiVersion: info.apiVersion, kind: info.kind }, TYPE_META);
}

function describe(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Maps of resource quantities. Kubernetes reads a quantity written as a JSON or YAML number
 * (`cpu: 1`, `memory: 128`, `cpu: 0.5`) as that number's text, so these accept numbers too.
 */
const QUANTITY_MAPS = new Set(['limits', 'requests', 'capacity', 'allocatable', 'hard']);

function isQuantityMap(field: protobuf.Field): boolean {
  return field.map && field.type === 'string' && QUANTITY_MAPS.has(field.name);
}

/** An integer of the given protobuf type, or a problem naming the path, the value and the rule. */
function integerFromJSON(type: string, v: Json, path: string, problems: DecodeProblem[]): number | undefined {
  if (typeof v !== 'number') return typeMismatch(path, 'integer', v, problems);
  const problem = integerRangeProblem(type, v);
  if (problem === undefined) return v;
  problems.push(new FieldError('FieldValueInvalid', path, v, problem));
  return undefined;
}

/** A value of the wrong JSON type: `spec.replicas: Invalid value: "3": expected integer, got string`. */
function typeMismatch(path: string, expected: string, v: Json, problems: DecodeProblem[]): undefined {
  const shown = v !== null && typeof v === 'object' ? OMIT_VALUE : v;
  problems.push(new FieldError('FieldValueTypeInvalid', path, shown, `expected ${expected}, got ${describe(v)}`));
  return undefined;
}

function scalarFromJSON(field: protobuf.Field, v: Json, path: string, problems: DecodeProblem[]): unknown {
  const bad = (expected: string): undefined => typeMismatch(path, expected, v, problems);
  if (isIntOrString(field)) {
    if (typeof v === 'string') return { strVal: v };
    if (typeof v !== 'number') return bad('integer or string');
    const intVal = integerFromJSON('int32', v, path, problems);
    return intVal === undefined ? undefined : { intVal };
  }
  if (isFieldsV1(field)) return typeof v === 'object' && v !== null && !Array.isArray(v) ? { raw: JSON.stringify(v) } : bad('object');
  const type = resolvedTypeOf(field);
  if (type instanceof protobuf.Type) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('object');
    return messageFromJSON(type, v, path, problems);
  }
  if (type instanceof protobuf.Enum) return typeof v === 'string' ? v : bad('string');
  if (field.type === 'string') {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && isQuantityMap(field)) return String(v);
    return bad('string');
  }
  if (field.type === 'bool') return typeof v === 'boolean' ? v : bad('boolean');
  if (field.type === 'bytes') {
    if (typeof v !== 'string') return bad('base64-encoded string');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v.replace(/\s/g, '')) || v.replace(/\s/g, '').length % 4 !== 0) {
      problems.push(new FieldError('FieldValueInvalid', path, OMIT_VALUE, 'illegal base64 data'));
      return undefined;
    }
    return Buffer.from(v, 'base64');
  }
  if (isIntegerType(field.type)) return integerFromJSON(field.type, v, path, problems);
  if (field.type === 'double' || field.type === 'float') {
    if (typeof v !== 'number') return bad('number');
    if (Number.isFinite(v)) return v;
    problems.push(new FieldError('FieldValueInvalid', path, v, 'must be a finite number'));
    return undefined;
  }
  return bad(field.type);
}

function messageFromJSON(type: protobuf.Type, json: JsonObject, path: string, problems: DecodeProblem[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(json)) {
    const fieldPath = path ? `${path}.${key}` : key;
    const field = type.fields[key];
    if (!field) {
      problems.push(`unknown field "${fieldPath}"`);
      continue;
    }
    if (v === null) continue;
    if (field.map) {
      if (typeof v !== 'object' || Array.isArray(v)) {
        typeMismatch(fieldPath, 'object', v, problems);
        continue;
      }
      out[key] = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scalarFromJSON(field, x, `${fieldPath}[${k}]`, problems)]));
    } else if (field.repeated) {
      if (!Array.isArray(v)) {
        typeMismatch(fieldPath, 'array', v, problems);
        continue;
      }
      out[key] = v.map((x, i) => scalarFromJSON(field, x, `${fieldPath}[${i}]`, problems));
    } else {
      const decoded = scalarFromJSON(field, v, fieldPath, problems);
      if (decoded !== undefined) out[key] = decoded;
    }
  }
  return out;
}

const UNKNOWN_FIELD = /^unknown field "/;

/**
 * Decodes Kubernetes JSON of a known kind into our object, rejecting wrong types; fields the
 * schema does not know are left out and named in `unknownFields` (`unknown field "spec.foo"`),
 * for the caller to refuse or warn about (Kubernetes' fieldValidation).
 */
export function decodeKubeJSON(info: ResourceInfo, json: JsonObject): { object: AnyObject; unknownFields: string[] } {
  const problems: DecodeProblem[] = [];
  const { apiVersion: _apiVersion, kind: _kind, ...body } = json;
  const object = messageFromJSON(lookupMessage(info.kind), body, '', problems);
  const unknownFields = problems.filter((p): p is string => typeof p === 'string' && UNKNOWN_FIELD.test(p));
  if (unknownFields.length < problems.length) throw new DecodeError(problems);
  return { object: object as AnyObject, unknownFields };
}

/** Decodes Kubernetes JSON of a known kind into our object, rejecting unknown fields and wrong types. */
export function fromKubeJSON(info: ResourceInfo, json: JsonObject): AnyObject {
  const { object, unknownFields } = decodeKubeJSON(info, json);
  if (unknownFields.length > 0) throw new DecodeError(unknownFields);
  return object;
}

/** Reads apiVersion and kind of a manifest and decodes it; errors read like kubectl's. */
export function decodeManifest(json: unknown): { info: ResourceInfo; object: AnyObject } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new DecodeError([`expected an object, got ${describe(json as Json)}`]);
  }
  const doc = json as JsonObject;
  const { kind, apiVersion } = doc;
  if (typeof kind !== 'string' || kind === '') throw new DecodeError(["Object 'Kind' is missing"]);
  if (typeof apiVersion !== 'string' || apiVersion === '') throw new DecodeError(["Object 'apiVersion' is missing"]);
  const info = resourceByKind(kind);
  if (!info) throw new DecodeError([`no matches for kind "${kind}" in version "${apiVersion}"`]);
  const view = resourceForApiVersion(info, apiVersion);
  if (!view) {
    const known = resources.some((r) => acceptsApiVersion(r, apiVersion));
    throw new DecodeError([
      known
        ? `no matches for kind "${kind}" in version "${apiVersion}" (use apiVersion "${info.apiVersion}")`
        : `no matches for kind "${kind}" in version "${apiVersion}": unknown apiVersion (use "${info.apiVersion}")`,
    ]);
  }
  // A manifest in another served version (autoscaling/v1) is read as the stored version holds it.
  try {
    return { info, object: toStoredVersion(view, fromKubeJSON(view, doc)) };
  } catch (err) {
    if (err instanceof ApiError) throw new DecodeError([err.message]);
    throw err;
  }
}
