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
    checkMessage(type, reader, view.length, '', outOfRange);
    return outOfRange;
  } catch (err) {
    if (err instanceof MalformedMessageError) throw err;
    throw new MalformedMessageError(err instanceof Error ? err.message : String(err));
  }
}

/**
 * Where the walk is: the message's path and the field (and element) read now. The walk runs on
 * every request, so the text is spelled out only for an error or an out-of-range integer.
 */
class Location {
  field: protobuf.Field | undefined;
  /** The element of a repeated field; -1 for a singular one. */
  index = -1;
  /** Instead of the field: a map entry's part, or an unknown field. */
  label: string | undefined;

  constructor(readonly path: string) {}

  toString(): string {
    if (this.label !== undefined) return this.label;
    const where = describeField(this.path, this.field?.name ?? '');
    return this.index < 0 ? where : `${where}[${this.index}]`;
  }

  /** This field, its element not counted (for errors about the field as a whole). */
  fieldOnly(): string {
    return describeField(this.path, this.field?.name ?? '');
  }
}

/** Whether a field may arrive packed (length-delimited) as well as value by value. */
function isPackable(field: protobuf.Field): boolean {
  return field.repeated && (packable[field.type] !== undefined || field.resolvedType instanceof protobuf.Enum);
}

function checkMessage(type: protobuf.Type, reader: protobuf.Reader, end: number, path: string, outOfRange: IntegerOutOfRange[]): void {
  const at = new Location(path);
  /** Values read so far of each repeated field, for the `ports[1]` of a path. */
  let counts: Map<number, number> | undefined;
  /** Points `at` at the next value of the field. */
  const nextValue = (field: protobuf.Field): void => {
    at.field = field;
    at.label = undefined;
    if (!field.repeated) {
      at.index = -1;
      return;
    }
    counts ??= new Map();
    const index = counts.get(field.id) ?? 0;
    counts.set(field.id, index + 1);
    at.index = index;
  };
  while (reader.pos < end) {
    const tag = reader.uint32();
    const id = tag >>> 3;
    const wireType = tag & 7;
    if (id === 0) throw new MalformedMessageError(`invalid field number 0 in ${type.name}`);
    const field = type.fieldsById[id];
    if (!field) {
      at.label = `${type.name} field ${id}`;
      skip(reader, wireType, end, at);
      continue;
    }
    at.field = field;
    at.index = -1;
    at.label = undefined;
    if (field instanceof protobuf.MapField) {
      const where = at.fieldOnly();
      expectWireType(wireType, [LENGTH_DELIMITED], where);
      const entryEnd = lengthEnd(reader, end, at);
      checkMapEntry(field, reader, entryEnd, where);
      continue;
    }
    const wanted = scalarWireType(field.type, field.resolvedType);
    if (wireType !== wanted && (wireType !== LENGTH_DELIMITED || !isPackable(field))) expectWireType(wireType, isPackable(field) ? [wanted, LENGTH_DELIMITED] : [wanted], at.fieldOnly());
    if (wireType !== LENGTH_DELIMITED) {
      nextValue(field);
      checkScalar(field, reader, wireType, end, at, outOfRange);
      continue;
    }
    const valueEnd = lengthEnd(reader, end, at);
    if (field.resolvedType instanceof protobuf.Type) {
      nextValue(field);
      checkMessage(field.resolvedType, reader, valueEnd, String(at), outOfRange);
    } else if (field.type === 'string') {
      nextValue(field);
      checkUtf8(reader, valueEnd, at);
    } else if (field.type === 'bytes') {
      reader.pos = valueEnd;
    } else {
      while (reader.pos < valueEnd) {
        nextValue(field);
        checkScalar(field, reader, wanted, valueEnd, at, outOfRange);
      }
      if (reader.pos !== valueEnd) throw new MalformedMessageError(`${at.fieldOnly()}: packed values run past their end`);
    }
  }
  if (reader.pos !== end) throw new MalformedMessageError(`${type.name} runs past its enclosing field`);
}

function checkMapEntry(field: protobuf.MapField, reader: protobuf.Reader, end: number, where: string): void {
  const at = new Location(where);
  at.label = where;
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
    if (wireType !== wanted) expectWireType(wireType, [wanted], `${where}[${id === 1 ? 'key' : 'value'}]`);
    if (wireType !== LENGTH_DELIMITED) {
      skip(reader, wireType, end, at);
      continue;
    }
    const valueEnd = lengthEnd(reader, end, at);
    if (resolved instanceof protobuf.Type) checkMessage(resolved, reader, valueEnd, where, []);
    else if (type === 'string') checkUtf8(reader, valueEnd, at);
    else reader.pos = valueEnd;
  }
  if (reader.pos !== end) throw new MalformedMessageError(`${where}: map entry runs past its end`);
}

function expectWireType(got: number, allowed: number[], where: string): void {
  if (!allowed.includes(got)) throw new MalformedMessageError(`${where}: wire type ${got}, expected ${allowed.join(' or ')}`);
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
