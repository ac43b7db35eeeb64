// Edits of encoded protobuf messages in place of a decode, change and encode of the whole
// object, for a write that changes a few fields of a large one (a pod's binding). The edits keep
// what protobuf promises: a message field that occurs more than once is the merge of its
// occurrences (the same as their contents concatenated), the last occurrence of a scalar wins,
// repeated values keep their order. A new field goes where an encoder writing fields in number
// order puts it, so an edit of canonical bytes gives the bytes an encode of the changed object
// does. Edits return the message as pieces (slices of the input and the new fields), joined
// once at the end: each byte is copied once however deep the edited field is.

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

/** An encoded message as the pieces it is the concatenation of. */
export type Pieces = Uint8Array[];

/** Where the varint read last ends (one number, so reading allocates nothing). */
let varintEnd = 0;

function readVarint(bytes: Uint8Array, pos: number): number {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= bytes.length) throw new Error('truncated protobuf varint');
    const byte = bytes[pos++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) {
      varintEnd = pos;
      return value;
    }
  }
  // A 64-bit varint (a negative int32 or an int64): skip its remaining bytes; the value is not used.
  while (pos < bytes.length && bytes[pos]! >= 0x80) pos++;
  varintEnd = pos + 1;
  return value;
}

function skipValue(bytes: Uint8Array, wireType: number, pos: number): number {
  switch (wireType) {
    case 0:
      readVarint(bytes, pos);
      return varintEnd;
    case 1:
      return pos + 8;
    case LENGTH_DELIMITED: {
      const length = readVarint(bytes, pos);
      return varintEnd + length;
    }
    case 5:
      return pos + 4;
    default:
      throw new Error(`unsupported protobuf wire type ${wireType}`);
  }
}

/** The top-level fields of an encoded message, in the order they are written. */
export function wireFields(message: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let pos = 0;
  while (pos < message.length) {
    const start = pos;
    const tag = readVarint(message, pos);
    const wireType = tag & 7;
    pos = varintEnd;
    const end = skipValue(message, wireType, pos);
    if (end > message.length) throw new Error('truncated protobuf field');
    // After a length-delimited value's skip, the last varint read is its length.
    fields.push({ id: Math.floor(tag / 8), wireType, start, valueStart: wireType === LENGTH_DELIMITED ? varintEnd : pos, end });
    pos = end;
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

function varintLength(value: number): number {
  let n = 1;
  for (; value >= 0x80; n++) value = Math.floor(value / 0x80);
  return n;
}

function writeVarint(out: Buffer, pos: number, value: number): number {
  for (; value >= 0x80; value = Math.floor(value / 0x80)) out[pos++] = (value & 0x7f) | 0x80;
  out[pos] = value;
  return pos + 1;
}

/** The tag and length of a length-delimited field of that many bytes. */
function fieldHeader(id: number, length: number): Buffer {
  const tag = id * 8 + LENGTH_DELIMITED;
  const header = Buffer.allocUnsafe(varintLength(tag) + varintLength(length));
  writeVarint(header, writeVarint(header, 0, tag), length);
  return header;
}

function piecesLength(pieces: Pieces): number {
  let length = 0;
  for (const piece of pieces) length += piece.length;
  return length;
}

/** A length-delimited field (a string, bytes or a message) whose contents are pieces. */
export function lengthDelimited(id: number, contents: Pieces): Pieces {
  return [fieldHeader(id, piecesLength(contents)), ...contents];
}

export function stringField(id: number, value: string): Pieces {
  return lengthDelimited(id, [Buffer.from(value, 'utf8')]);
}

export function join(pieces: Pieces): Buffer {
  return Buffer.concat(pieces, piecesLength(pieces));
}

/** A replacement of every occurrence of field id by encoded (whole fields, tags included). */
export interface FieldEdit {
  id: number;
  encoded: Pieces;
}

/**
 * The message with each edit's field replaced: put where its first occurrence was, or else
 * before the first field of a higher number; the other fields as they were.
 */
export function withFields(message: Buffer, fields: readonly WireField[], edits: readonly FieldEdit[]): Pieces {
  // Each edit's position: fields and edits are few, so plain scans beat any index.
  const positions = edits.map((edit) => {
    let after = message.length;
    for (const field of fields) {
      if (field.id === edit.id) return field.start;
      if (field.id > edit.id && after === message.length) after = field.start;
    }
    return after;
  });
  const order = edits.map((_, i) => i).sort((a, b) => positions[a]! - positions[b]! || edits[a]!.id - edits[b]!.id);
  const pieces: Pieces = [];
  let copied = 0;
  let next = 0;
  const emitUpTo = (pos: number): void => {
    for (; next < order.length && positions[order[next]!]! <= pos; next++) {
      const at = positions[order[next]!]!;
      if (at > copied) pieces.push(message.subarray(copied, (copied = at)));
      for (const piece of edits[order[next]!]!.encoded) pieces.push(piece);
    }
    if (pos > copied) pieces.push(message.subarray(copied, pos));
  };
  for (const field of fields) {
    if (!edits.some((e) => e.id === field.id)) continue;
    emitUpTo(field.start);
    copied = field.end;
  }
  emitUpTo(message.length);
  return pieces;
}
