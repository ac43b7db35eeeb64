import { isUtf8 } from 'node:buffer';
import protobuf from 'protobufjs';

// protobufjs decodes whatever it is given: it ignores wire types of known fields, and reading from
// a Buffer clamps a string that runs past the end of the message instead of failing. Garbage then
// turns into a plausible request ("resource": "\u0002"). This walks the bytes against the schema
// first, as Go's strict unmarshal does, so malformed input is refused before it is interpreted.

export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

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

/** Throws MalformedMessageError unless bytes are a well-formed encoding of `type`. */
export function checkWireFormat(type: protobuf.Type, bytes: Uint8Array): void {
  // A plain Uint8Array view gets protobufjs' bounds-checking Reader rather than its Buffer reader.
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = new protobuf.Reader(view);
  try {
    checkMessage(type, reader, view.length, '');
  } catch (err) {
    if (err instanceof MalformedMessageError) throw err;
    throw new MalformedMessageError(err instanceof Error ? err.message : String(err));
  }
}

function checkMessage(type: protobuf.Type, reader: protobuf.Reader, end: number, path: string): void {
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
    const where = describeField(path, field.name);
    if (field instanceof protobuf.MapField) {
      expectWireType(wireType, [LENGTH_DELIMITED], where);
      const entryEnd = lengthEnd(reader, end, where);
      checkMapEntry(field, reader, entryEnd, where);
      continue;
    }
    const wanted = scalarWireType(field.type, field.resolvedType);
    const allowed = field.repeated && packable[field.type] !== undefined ? [wanted, LENGTH_DELIMITED] : [wanted];
    if (field.repeated && field.resolvedType instanceof protobuf.Enum) allowed.push(LENGTH_DELIMITED);
    expectWireType(wireType, allowed, where);
    if (wireType !== LENGTH_DELIMITED) {
      skip(reader, wireType, end, where);
      continue;
    }
    const valueEnd = lengthEnd(reader, end, where);
    if (field.resolvedType instanceof protobuf.Type) checkMessage(field.resolvedType, reader, valueEnd, where);
    else if (field.type === 'string') checkUtf8(reader, valueEnd, where);
    else if (field.type === 'bytes') reader.pos = valueEnd;
    else checkPacked(reader, valueEnd, wanted, where);
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
    if (resolved instanceof protobuf.Type) checkMessage(resolved, reader, valueEnd, where);
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

function checkPacked(reader: protobuf.Reader, end: number, wireType: number, where: string): void {
  while (reader.pos < end) skip(reader, wireType, end, where);
  if (reader.pos !== end) throw new MalformedMessageError(`${where}: packed values run past their end`);
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
