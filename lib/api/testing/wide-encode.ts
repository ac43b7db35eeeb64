import protobuf from 'protobufjs';

// Encodes a message the way a careless or hostile client could: every integer is written as the
// full 64-bit varint it was given, whatever its field's type, where protobufjs would first wrap it
// to the field's width. Tests use it to send the apiserver integers its fields cannot hold.

type Value = bigint | number | string | boolean | Buffer | Value[] | { [key: string]: Value };

function varint(value: bigint): Buffer {
  let v = BigInt.asUintN(64, value);
  const bytes: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    bytes.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return Buffer.from(bytes);
}

const tag = (id: number, wireType: number): Buffer => varint(BigInt((id << 3) | wireType));
const delimited = (id: number, body: Buffer): Buffer => Buffer.concat([tag(id, 2), varint(BigInt(body.length)), body]);

function encodeValue(id: number, type: string, resolved: protobuf.ReflectionObject | null, value: Value): Buffer {
  if (resolved instanceof protobuf.Type) return delimited(id, encodeWide(resolved, value as Record<string, Value>));
  if (resolved instanceof protobuf.Enum) return Buffer.concat([tag(id, 0), varint(BigInt(resolved.values[value as string] ?? 0))]);
  if (type === 'string') return delimited(id, Buffer.from(value as string));
  if (type === 'bytes') return delimited(id, value as Buffer);
  if (type === 'bool') return Buffer.concat([tag(id, 0), varint(value ? 1n : 0n)]);
  return Buffer.concat([tag(id, 0), varint(BigInt(value as number | bigint))]);
}

/** The protobuf encoding of `value` as a `type`, with integers written at full width. */
export function encodeWide(type: protobuf.Type, value: Record<string, Value>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, v] of Object.entries(value)) {
    const field = type.fields[name];
    if (!field) throw new Error(`${type.name} has no field ${name}`);
    if (field instanceof protobuf.MapField) {
      for (const [k, x] of Object.entries(v as Record<string, Value>)) {
        const entry = Buffer.concat([delimited(1, Buffer.from(k)), encodeValue(2, field.type, field.resolvedType, x)]);
        parts.push(delimited(field.id, entry));
      }
    } else if (field.repeated) {
      for (const x of v as Value[]) parts.push(encodeValue(field.id, field.type, field.resolvedType, x));
    } else {
      parts.push(encodeValue(field.id, field.type, field.resolvedType, v));
    }
  }
  return Buffer.concat(parts);
}
