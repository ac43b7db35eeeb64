import { isUtf8 } from 'node:buffer';
import protobuf from 'protobufjs';
import type { IntegerProblem } from '../../lib/api/integer-check.js';
import { integerRangeProblem, isIntegerType } from '../../lib/api/integer-range.js';

// protobufjs decodes whatever it is given: it ignores wire types of known fields, and reading from
// a Buffer clamps a string that runs past the end of the message instead of failing. Garbage then
// turns into a plausible request ("resource": "\u0002"). This walks the bytes against the schema
// first, as Go's strict unmarshal does, so malformed input is refused before it is interpreted.
// It also reads every integer as the 64-bit varint it is: protobufjs would wrap an int32 that does
// not fit (4294967299 becomes 3) and round an int64 beyond 2^53, so those are reported instead.

export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** An integer on the wire that its field's type cannot hold; the path has list indexes. */
export type IntegerOutOfRange = IntegerProblem;

const basicWireTypes = protobuf.types.basic as Record<string, number>;
const packable = protobuf.types.packed as Record<string, number>;

/** The wire type a value of this field type is written with; enums are varints. */
function scalarWireType(type: string, resolved: protobuf.ReflectionObject | null): number {
  if (resolved instanceof protobuf.Enum) return VARINT;
  if (resolved instanceof protobuf.Type) return LENGTH_DELIMITED;
  return basicWireTypes[type] ?? LENGTH_DELIMITED;
}

function describeField(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/**
 * Throws MalformedMessageError unless bytes are a well-formed encoding of `type`; returns the
 * integers that do not fit their fields, for the caller to report against the object.
 */
export function checkWireFormat(type: protobuf.Type, bytes: Uint8Array): IntegerOutOfRange[] {
  // A plain Uint8Array view gets protobufjs' bounds-checking Reader rather than its Buffer reader.
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = new protobuf.Reader(view);
  const outOfRange: IntegerOutOfRange[] = [];
  try {
    checkMessage(type, reader, view.length, new Location(undefined, false), outOfRange);
    return outOfRange;
  } catch (err) {
    if (err instanceof MalformedMessageError) throw err;
    throw new MalformedMessageError(err instanceof Error ? err.message : String(err));
  }
}

/**
 * Where the walk is: the field (and element) read now, below the place of the enclosing message.
 * The walk runs on every request, so no text is made unless an error or an out-of-range integer
 * needs it; the enclosing places do not move while a nested message is walked.
 */
class Location {
  field: protobuf.Field | undefined;
  /** The element of a repeated field; -1 for a singular one. */
  index = -1;
  /** Instead of the field: an unknown field. */
  label: string | undefined;

  constructor(
    /** The place of the enclosing message (undefined at the top). */
    private readonly outer: Location | undefined,
    /** Whether this message is a map entry's part, named by its map field alone (no element). */
    private readonly inMap: boolean,
  ) {}

  /** The enclosing message's path. */
  private path(): string {
    if (!this.outer) return '';
    return this.inMap ? this.outer.fieldOnly() : String(this.outer);
  }

  toString(): string {
    if (this.label !== undefined) return this.label;
    if (!this.field) return this.path();
    const where = describeField(this.path(), this.field.name);
    return this.index < 0 ? where : `${where}[${this.index}]`;
  }

  /** This field, its element not counted (for errors about the field as a whole). */
  fieldOnly(): string {
    return this.field ? describeField(this.path(), this.field.name) : this.path();
  }
}

/** What the walk needs of a field, worked out once per field from the schema. */
interface FieldPlan {
  field: protobuf.Field;
  map: protobuf.MapField | undefined;
  /** The wire type a value is written with. */
  wanted: number;
  /** Whether it may arrive packed (length-delimited) as well as value by value. */
  packable: boolean;
  message: protobuf.Type | undefined;
}

/** Each message type's field plans by field number: the walk looks fields up by number for every value of every request. */
const plans = new WeakMap<protobuf.Type, (FieldPlan | undefined)[]>();

function plansOf(type: protobuf.Type): (FieldPlan | undefined)[] {
  let byId = plans.get(type);
  if (!byId) {
    byId = [];
    for (const field of type.fieldsArray) {
      const resolved = field.resolve().resolvedType;
      byId[field.id] = {
        field,
        map: field instanceof protobuf.MapField ? field : undefined,
        wanted: scalarWireType(field.type, resolved),
        packable: field.repeated && (packable[field.type] !== undefined || resolved instanceof protobuf.Enum),
        message: resolved instanceof protobuf.Type ? resolved : undefined,
      };
    }
    plans.set(type, byId);
  }
  return byId;
}

/** Points `at` at the next value of the field; counts: values read so far of each repeated field (for the `ports[1]` of a path). */
function nextValue(at: Location, field: protobuf.Field, counts: Map<number, number> | undefined): Map<number, number> | undefined {
  at.field = field;
  at.label = undefined;
  if (!field.repeated) {
    at.index = -1;
    return counts;
  }
  const seen = counts ?? new Map<number, number>();
  const index = seen.get(field.id) ?? 0;
  seen.set(field.id, index + 1);
  at.index = index;
  return seen;
}

function checkMessage(type: protobuf.Type, reader: protobuf.Reader, end: number, at: Location, outOfRange: IntegerOutOfRange[]): void {
  const fieldPlans = plansOf(type);
  let counts: Map<number, number> | undefined;
  while (reader.pos < end) {
    const tag = reader.uint32();
    const id = tag >>> 3;
    const wireType = tag & 7;
    if (id === 0) throw new MalformedMessageError(`invalid field number 0 in ${type.name}`);
    const plan = fieldPlans[id];
    if (!plan) {
      at.label = `${type.name} field ${id}`;
      skip(reader, wireType, end, at);
      continue;
    }
    const { field, wanted } = plan;
    at.field = field;
    at.index = -1;
    at.label = undefined;
    if (plan.map) {
      if (wireType !== LENGTH_DELIMITED) throw wrongWireType(wireType, [LENGTH_DELIMITED], at.fieldOnly());
      const entryEnd = lengthEnd(reader, end, at);
      checkMapEntry(plan.map, reader, entryEnd, at);
      continue;
    }
    if (wireType !== wanted && (wireType !== LENGTH_DELIMITED || !plan.packable)) {
      throw wrongWireType(wireType, plan.packable ? [wanted, LENGTH_DELIMITED] : [wanted], at.fieldOnly());
    }
    if (wireType !== LENGTH_DELIMITED) {
      counts = nextValue(at, field, counts);
      checkScalar(field, reader, wireType, end, at, outOfRange);
      continue;
    }
    const valueEnd = lengthEnd(reader, end, at);
    if (plan.message) {
      counts = nextValue(at, field, counts);
      checkMessage(plan.message, reader, valueEnd, new Location(at, false), outOfRange);
    } else if (field.type === 'string') {
      counts = nextValue(at, field, counts);
      checkUtf8(reader, valueEnd, at);
    } else if (field.type === 'bytes') {
      reader.pos = valueEnd;
    } else {
      while (reader.pos < valueEnd) {
        counts = nextValue(at, field, counts);
        checkScalar(field, reader, wanted, valueEnd, at, outOfRange);
      }
      if (reader.pos !== valueEnd) throw new MalformedMessageError(`${at.fieldOnly()}: packed values run past their end`);
    }
  }
  if (reader.pos !== end) throw new MalformedMessageError(`${type.name} runs past its enclosing field`);
}

/** mapAt: the map field's place, which alone names the entry's parts and anything wrong in them. */
function checkMapEntry(field: protobuf.MapField, reader: protobuf.Reader, end: number, mapAt: Location): void {
  const at = new Location(mapAt, true);
  while (reader.pos < end) {
    const tag = reader.uint32();
    const id = tag >>> 3;
    const wireType = tag & 7;
    if (id !== 1 && id !== 2) {
      skip(reader, wireType, end, at);
      continue;
    }
    const type = id === 1 ? field.keyType : field.type;
    const resolved = id === 1 ? null : field.resolvedType;
    const wanted = scalarWireType(type, resolved);
    if (wireType !== wanted) throw wrongWireType(wireType, [wanted], `${at}[${id === 1 ? 'key' : 'value'}]`);
    if (wireType !== LENGTH_DELIMITED) {
      skip(reader, wireType, end, at);
      continue;
    }
    const valueEnd = lengthEnd(reader, end, at);
    if (resolved instanceof protobuf.Type) checkMessage(resolved, reader, valueEnd, new Location(mapAt, true), []);
    else if (type === 'string') checkUtf8(reader, valueEnd, at);
    else reader.pos = valueEnd;
  }
  if (reader.pos !== end) throw new MalformedMessageError(`${at}: map entry runs past its end`);
}

function wrongWireType(got: number, allowed: number[], where: string): MalformedMessageError {
  return new MalformedMessageError(`${where}: wire type ${got}, expected ${allowed.join(' or ')}`);
}

/** Reads a length prefix and returns where the value ends, refusing one that runs past `end`. */
function lengthEnd(reader: protobuf.Reader, end: number, at: Location): number {
  const length = reader.uint32();
  const valueEnd = reader.pos + length;
  if (valueEnd > end) throw new MalformedMessageError(`${at.label ?? at.fieldOnly()}: length ${length} runs past the end of the message`);
  return valueEnd;
}

/**
 * Validates without decoding: every string of every request passes here, and most are fine. Most
 * are short and ASCII too, which a loop over the bytes confirms sooner than a view for isUtf8.
 */
function checkUtf8(reader: protobuf.Reader, end: number, at: Location): void {
  const buf = reader.buf;
  let i = reader.pos;
  while (i < end && buf[i]! < 0x80) i++;
  if (i < end && !isUtf8(buf.subarray(i, end))) throw new MalformedMessageError(`${at}: string is not valid UTF-8`);
  reader.pos = end;
}

/** Reads one non-length-delimited value; an integer varint is checked against its field's type. */
function checkScalar(field: protobuf.Field, reader: protobuf.Reader, wireType: number, end: number, at: Location, outOfRange: IntegerOutOfRange[]): void {
  if (wireType !== VARINT || !isIntegerType(field.type)) {
    skip(reader, wireType, end, at);
    return;
  }
  const value = integerValue(field.type, readVarint(reader, end, at));
  const rule = integerRangeProblem(field.type, value);
  if (rule !== undefined) outOfRange.push({ path: String(at), value, rule });
}

/** The integer a varint stands for in a field of this type (two's complement or zigzag). */
function integerValue(type: string, raw: bigint): bigint {
  if (type.startsWith('sint')) return (raw >> 1n) ^ -(raw & 1n);
  if (type.startsWith('uint')) return raw;
  return BigInt.asIntN(64, raw);
}

/** A varint as the unsigned 64-bit number it encodes. */
function readVarint(reader: protobuf.Reader, end: number, at: Location): bigint {
  let value = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (reader.pos >= end) throw new MalformedMessageError(`${at}: value runs past the end of the message`);
    const byte = reader.buf[reader.pos++]!;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return BigInt.asUintN(64, value);
  }
  throw new MalformedMessageError(`${at}: varint is longer than 10 bytes`);
}

function skip(reader: protobuf.Reader, wireType: number, end: number, at: Location): void {
  switch (wireType) {
    case VARINT:
      reader.skip();
      break;
    case FIXED64:
      reader.skip(8);
      break;
    case LENGTH_DELIMITED:
      reader.pos = lengthEnd(reader, end, at);
      break;
    case FIXED32:
      reader.skip(4);
      break;
    default:
      // 3 and 4 are proto2 groups, which proto3 messages never contain; 6 and 7 do not exist.
      throw new MalformedMessageError(`${at}: invalid wire type ${wireType}`);
  }
  if (reader.pos > end) throw new MalformedMessageError(`${at}: value runs past the end of the message`);
}
