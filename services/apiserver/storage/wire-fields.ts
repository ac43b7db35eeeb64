import protobuf from 'protobufjs';

// Edits of encoded protobuf messages in place of a decode, change and encode of the whole
// object, for a write that changes a few fields of a large one (a pod's binding). The edits keep
// what protobuf promises: a message field that occurs more than once is the merge of its
// occurrences (the same as their contents concatenated), the last occurrence of a scalar wins,
// repeated values keep their order. A new field goes where an encoder writing fields in number
// order puts it, so an edit of canonical bytes gives the bytes an encode of the changed object does.

const LENGTH_DELIMITED = 2;

/** One field of an encoded message: its number, and where its tag, its value and its end are. */
export interface WireField {
  id: number;
  wireType: number;
  start: number;
  /** Where the contents of a length-delimited field start (its tag and length skipped). */
  valueStart: number;
  end: number;
}

/** The top-level fields of an encoded message, in the order they are written. */
export function wireFields(message: Uint8Array): WireField[] {
  const reader = protobuf.Reader.create(message);
  const fields: WireField[] = [];
  while (reader.pos < message.length) {
    const start = reader.pos;
    const tag = reader.uint32();
    const wireType = tag & 7;
    let valueStart = reader.pos;
    if (wireType === LENGTH_DELIMITED) {
      const length = reader.uint32();
      valueStart = reader.pos;
      reader.skip(length);
    } else {
      reader.skipType(wireType);
    }
    fields.push({ id: tag >>> 3, wireType, start, valueStart, end: reader.pos });
  }
  return fields;
}

/** The value of the last occurrence of a string field ('' when absent), as a decoder reads it. */
export function stringOf(message: Buffer, fields: readonly WireField[], id: number): string {
  for (let i = fields.length - 1; i >= 0; i--) {
    const field = fields[i]!;
    if (field.id === id && field.wireType === LENGTH_DELIMITED) return message.toString('utf8', field.valueStart, field.end);
  }
  return '';
}

/** The contents of a message field: its occurrences concatenated, which decode as their merge. */
export function messageOf(message: Buffer, fields: readonly WireField[], id: number): Buffer {
  const parts = fields.filter((f) => f.id === id && f.wireType === LENGTH_DELIMITED).map((f) => message.subarray(f.valueStart, f.end));
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** A length-delimited field (a string, bytes or a message) encoded with its tag and length. */
export function lengthDelimitedField(id: number, contents: Uint8Array): Buffer {
  const writer = protobuf.Writer.create();
  writer.uint32((id << 3) | LENGTH_DELIMITED).uint32(contents.length);
  const header = writer.finish();
  return Buffer.concat([header, contents]);
}

export function stringField(id: number, value: string): Buffer {
  return lengthDelimitedField(id, Buffer.from(value, 'utf8'));
}

/**
 * The message with every occurrence of field id replaced by encoded (fields written whole, tags
 * included), put where its first occurrence was, or else before the first field of a higher number.
 */
export function withField(message: Buffer, fields: readonly WireField[], id: number, encoded: readonly Buffer[]): Buffer {
  let at = fields.findIndex((f) => f.id === id);
  if (at < 0) at = fields.findIndex((f) => f.id > id);
  const position = at < 0 ? message.length : fields[at]!.start;
  const parts: Buffer[] = [];
  let copied = 0;
  let placed = false;
  for (const field of fields) {
    if (!placed && field.start === position) {
      parts.push(message.subarray(copied, position), ...encoded);
      copied = position;
      placed = true;
    }
    if (field.id === id) {
      parts.push(message.subarray(copied, field.start));
      copied = field.end;
    }
  }
  parts.push(message.subarray(copied));
  if (!placed) parts.push(...encoded);
  return Buffer.concat(parts);
}

/**
 * The message with its message field id (absent: an empty one) replaced by what edit makes of
 * its contents, written once.
 */
export function editMessageField(message: Buffer, id: number, edit: (contents: Buffer) => Buffer): Buffer {
  const fields = wireFields(message);
  return withField(message, fields, id, [lengthDelimitedField(id, edit(messageOf(message, fields, id)))]);
}
