// The protobuf wire format, as far as the hand-written etcd codecs (etcd-kv-codec.ts,
// etcd-watch-codec.ts) and the watch events spliced from stored bytes need it: varints below 2^53 as numbers, length-delimited fields written
// into one buffer sized beforehand, and a reader that decodes embedded messages in place.

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

export function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

export function bigVarintSize(n: bigint): number {
  let size = 1;
  while (n >= 128n) {
    n >>= 7n;
    size++;
  }
  return size;
}

/** Length of a length-delimited field with this many content bytes (tag of a field number < 16 included). */
export function lenFieldSize(length: number): number {
  return 1 + varintSize(length) + length;
}

/** Length of a length-delimited field of any field number with this many content bytes. */
export function bytesFieldSize(field: number, length: number): number {
  return varintSize(field * 8 + WIRE_LEN) + varintSize(length) + length;
}

export function varintFieldSize(n: number): number {
  return n === 0 ? 0 : 1 + varintSize(n);
}

export class Writer {
  readonly buf: Buffer;
  pos = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  varint(n: number): void {
    while (n >= 128) {
      this.buf[this.pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  bigVarint(n: bigint): void {
    while (n >= 128n) {
      this.buf[this.pos++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    this.buf[this.pos++] = Number(n);
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** A varint field, left out at 0 as proto3 does. */
  varintField(field: number, n: number): void {
    if (n === 0) return;
    this.tag(field, WIRE_VARINT);
    this.varint(n);
  }

  bytesField(field: number, bytes: Buffer): void {
    this.tag(field, WIRE_LEN);
    this.varint(bytes.length);
    bytes.copy(this.buf, this.pos);
    this.pos += bytes.length;
  }

  lenPrefix(field: number, length: number): void {
    this.tag(field, WIRE_LEN);
    this.varint(length);
  }
}

export class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  varint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.end) throw new RangeError('etcd response: truncated varint');
      const b = this.buf[this.pos++]!;
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 128;
    }
  }

  /** The bounds of a length-delimited field's content; pos moves past it. */
  len(): number {
    const length = this.varint();
    const start = this.pos;
    this.pos += length;
    if (this.pos > this.end) throw new RangeError('etcd response: truncated field');
    return start;
  }

  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_LEN) this.len();
    else if (wire === WIRE_I64) this.pos += 8;
    else if (wire === WIRE_I32) this.pos += 4;
    else throw new RangeError(`etcd response: unknown wire type ${wire}`);
  }
}

/** Decodes an embedded message field with the same reader, up to the field's end. */
export function withField<T>(r: Reader, decode: (r: Reader, end: number) => T): T {
  const length = r.varint();
  const end = r.pos + length;
  if (end > r.end) throw new RangeError('etcd response: truncated field');
  const value = decode(r, end);
  r.pos = end;
  return value;
}

