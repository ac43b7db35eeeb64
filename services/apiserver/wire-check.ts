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

function checkMessage(type: protobuf.Type, reader: protobuf.Reader, end: number, path: string, outOfRange: IntegerOutOfRange[]): void {
  const seen = new Map<number, number>();
  /** The path of the next value of a field: repeated fields count their elements (`ports[1]`). */
  const nextPath = (field: protobuf.Field): string => {
    const where = describeField(path, field.name);
    if (!field.repeated) return where;
    const index = seen.get(field.id) ?? 0;
    seen.set(field.id, index + 1);
    return `${where}[${index}]`;
  };
  while (reader.pos < end) {
    const tag = reader.uint32();
    const id = tag >>> 3;
    const wireType = tag & 7;
    if (id === 0) throw new MalformedMessageError(`invalid field number 0 in ${type.name}`);
    const field = type.fieldsById[id];
    if (!field) {
      skip(reader, wireType, end, `${type.name} field ${id}`);
      continue;
    }
    if (field instanceof protobuf.MapField) {
      const where = describeField(path, field.name);
      expectWireType(wireType, [LENGTH_DELIMITED], where);
      const entryEnd = lengthEnd(reader, end, where);
      checkMapEntry(field, reader, entryEnd, where);
      continue;
    }
    const wanted = scalarWireType(field.type, field.resolvedType);
    const allowed = field.repeated && packable[field.type] !== undefined ? [wanted, LENGTH_DELIMITED] : [wanted];
    if (field.repeated && field.resolvedType instanceof protobuf.Enum) allowed.push(LENGTH_DELIMITED);
    const fieldPath = describeField(path, field.name);
    expectWireType(wireType, allowed, fieldPath);
    if (wireType !== LENGTH_DELIMITED) {
      checkScalar(field, reader, wireType, end, nextPath(field), outOfRange);
      continue;
    }
    const valueEnd = lengthEnd(reader, end, fieldPath);
    if (field.resolvedType instanceof protobuf.Type) checkMessage(field.resolvedType, reader, valueEnd, nextPath(field), outOfRange);
    else if (field.type === 'string') checkUtf8(reader, valueEnd, nextPath(field));
    else if (field.type === 'bytes') reader.pos = valueEnd;
    else {
      while (reader.pos < valueEnd) checkScalar(field, reader, wanted, valueEnd, nextPath(field), outOfRange);
      if (reader.pos !== valueEnd) throw new MalformedMessageError(`${fieldPath}: packed values run past their end`);
    }
  }
  if (reader.pos !== end) throw new MalformedMessageError(`${type.name} runs past its enclosing field`);
}

function checkMapEntry(field: protobuf.MapField, reader: protobuf.Reader, end: number, where: string): void {
  while (reader.pos < end) {
    const tag = reader.uint32();
    const id = tag >>> 3;
    const wireType = tag & 7;
    if (id !== 1 && id !== 2) {
      skip(reader, wireType, end, where);
      continue;
    }
    const type = id === 1 ? field.keyType : field.type;
    const resolved = id === 1 ? null : field.resolvedType;
    const wanted = scalarWireType(type, resolved);
    expectWireType(wireType, [wanted], `${where}[${id === 1 ? 'key' : 'value'}]`);
    if (wireType !== LENGTH_DELIMITED) {
      skip(reader, wireType, end, where);
      continue;
    }
    const valueEnd = lengthEnd(reader, end, where);
    if (resolved instanceof protobuf.Type) checkMessage(resolved, reader, valueEnd, where, []);
    else if (type === 'string') checkUtf8(reader, valueEnd, where);
    else reader.pos = valueEnd;
  }
  if (reader.pos !== end) throw new MalformedMessageError(`${where}: map entry runs past its end`);
}

function expectWireType(got: number, allowed: number[], where: string): void {
  if (!allowed.includes(got)) throw new MalformedMessageError(`${where}: wire type ${got}, expected ${allowed.join(' or ')}`);
}

/** Reads a length prefix and returns where the value ends, refusing one that runs past `end`. */
function lengthEnd(reader: protobuf.Reader, end: number, where: string): number {
  const length = reader.uint32();
  const valueEnd = reader.pos + length;
  if (valueEnd > end) throw new MalformedMessageError(`${where}: length ${length} runs past the end of the message`);
  return valueEnd;
}

/** Validates without decoding: every string of every request passes here, and most are fine. */
function checkUtf8(reader: protobuf.Reader, end: number, where: string): void {
  if (!isUtf8(reader.buf.subarray(reader.pos, end))) throw new MalformedMessageError(`${where}: string is not valid UTF-8`);
  reader.pos = end;
}

/** Reads one non-length-delimited value; an integer varint is checked against its field's type. */
function checkScalar(field: protobuf.Field, reader: protobuf.Reader, wireType: number, end: number, where: string, outOfRange: IntegerOutOfRange[]): void {
  if (wireType !== VARINT || !isIntegerType(field.type)) {
    skip(reader, wireType, end, where);
    return;
  }
  const value = integerValue(field.type, readVarint(reader, end, where));
  const rule = integerRangeProblem(field.type, value);
  if (rule !== undefined) outOfRange.push({ path: where, value, rule });
}

/** The integer a varint stands for in a field of this type (two's complement or zigzag). */
function integerValue(type: string, raw: bigint): bigint {
  if (type.startsWith('sint')) return (raw >> 1n) ^ -(raw & 1n);
  if (type.startsWith('uint')) return raw;
  return BigInt.asIntN(64, raw);
}

/** A varint as the unsigned 64-bit number it encodes. */
function readVarint(reader: protobuf.Reader, end: number, where: string): bigint {
  let value = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (reader.pos >= end) throw new MalformedMessageError(`${where}: value runs past the end of the message`);
    const byte = reader.buf[reader.pos++]!;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return BigInt.asUintN(64, value);
  }
  throw new MalformedMessageError(`${where}: varint is longer than 10 bytes`);
}

function skip(reader: protobuf.Reader, wireType: number, end: number, where: string): void {
  switch (wireType) {
    case VARINT:
      reader.skip();
      break;
    case FIXED64:
      reader.skip(8);
      break;
    case LENGTH_DELIMITED:
      reader.pos = lengthEnd(reader, end, where);
      break;
    case FIXED32:
      reader.skip(4);
      break;
    default:
      // 3 and 4 are proto2 groups, which proto3 messages never contain; 6 and 7 do not exist.
      throw new MalformedMessageError(`${where}: invalid wire type ${wireType}`);
  }
  if (reader.pos > end) throw new MalformedMessageError(`${where}: value runs past the end of the message`);
}
