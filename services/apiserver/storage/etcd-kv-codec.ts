import type { StoredValue } from './store.js';

// Protobuf encoding of the etcd KV messages EtcdStore sends on every read and write (their
// schema, at etcd's field numbers, is etcd-kv.proto). Written by hand because this is the hot
// path of every create: revisions decode straight to numbers (the etcd3 client turns every 64-bit
// field into a decimal string through `long`), keys to strings and values to views of the
// received bytes, with no intermediate objects. Revisions stay far below 2^53.

/** One clause of a transaction's guard: key's version or mod revision equals value (0: absent). */
export interface KvCompare {
  key: Buffer;
  target: 'version' | 'mod';
  value: number;
}

/** lease: the decimal ID of an etcd lease, kept as a string because IDs use all 64 bits. */
export type KvOp = { put: { key: Buffer; value: Buffer; lease?: string } } | { range: Buffer } | { delete: Buffer };

export interface KvTxn {
  compare: KvCompare[];
  success: KvOp[];
  failure: KvOp[];
}

export interface KvRange {
  key: Buffer;
  rangeEnd?: Buffer;
  limit?: number;
  /** 0 or absent: the current revision. */
  revision?: number;
  /** Sort by key, ascending. */
  sorted?: boolean;
}

export interface KvRangeResult {
  /** The store's revision when answered. */
  revision: number;
  kvs: StoredValue[];
  more: boolean;
  count: number;
}

export interface KvTxnResult {
  revision: number;
  succeeded: boolean;
  /** One per op of the branch taken: the result of a range op, undefined for a put or delete. */
  responses: (KvRangeResult | undefined)[];
}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

const COMPARE_TARGET = { version: 0, mod: 2 } as const;
const COMPARE_UNION_FIELD = { version: 4, mod: 6 } as const;
const SORT_ASCEND = 1;

function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function bigVarintSize(n: bigint): number {
  let size = 1;
  while (n >= 128n) {
    n >>= 7n;
    size++;
  }
  return size;
}

/** Length of a length-delimited field with this many content bytes (tag of a field number < 16 included). */
function lenFieldSize(length: number): number {
  return 1 + varintSize(length) + length;
}

function varintFieldSize(n: number): number {
  return n === 0 ? 0 : 1 + varintSize(n);
}

class Writer {
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

function rangeSize(r: KvRange): number {
  return (
    lenFieldSize(r.key.length) +
    (r.rangeEnd ? lenFieldSize(r.rangeEnd.length) : 0) +
    varintFieldSize(r.limit ?? 0) +
    varintFieldSize(r.revision ?? 0) +
    (r.sorted ? 2 : 0)
  );
}

function writeRange(w: Writer, r: KvRange): void {
  w.bytesField(1, r.key);
  if (r.rangeEnd) w.bytesField(2, r.rangeEnd);
  w.varintField(3, r.limit ?? 0);
  w.varintField(4, r.revision ?? 0);
  // sort_target KEY is 0, the default: only the order is written.
  if (r.sorted) w.varintField(5, SORT_ASCEND);
}

/** RangeRequest. */
export function encodeRange(r: KvRange): Buffer {
  const w = new Writer(rangeSize(r));
  writeRange(w, r);
  return w.buf;
}

function leaseSize(lease: string | undefined): number {
  return lease ? 1 + bigVarintSize(BigInt(lease)) : 0;
}

/** The size of a RequestOp's content: its one request field. */
function opSize(op: KvOp): number {
  if ('put' in op) return lenFieldSize(putSize(op.put));
  return lenFieldSize(lenFieldSize(('range' in op ? op.range : op.delete).length));
}

function putSize(put: { key: Buffer; value: Buffer; lease?: string }): number {
  return lenFieldSize(put.key.length) + lenFieldSize(put.value.length) + leaseSize(put.lease);
}

function writeOp(w: Writer, field: number, op: KvOp): void {
  w.lenPrefix(field, opSize(op));
  if ('put' in op) {
    w.lenPrefix(2, putSize(op.put));
    w.bytesField(1, op.put.key);
    w.bytesField(2, op.put.value);
    if (op.put.lease) {
      w.tag(3, WIRE_VARINT);
      w.bigVarint(BigInt(op.put.lease));
    }
    return;
  }
  const key = 'range' in op ? op.range : op.delete;
  w.lenPrefix('range' in op ? 1 : 3, lenFieldSize(key.length));
  w.bytesField(1, key);
}

function compareSize(c: KvCompare): number {
  // result EQUAL is 0 and left out; the target union is written even at 0 (it is a oneof).
  return varintFieldSize(COMPARE_TARGET[c.target]) + lenFieldSize(c.key.length) + 1 + varintSize(c.value);
}

function writeCompare(w: Writer, c: KvCompare): void {
  w.lenPrefix(1, compareSize(c));
  w.varintField(2, COMPARE_TARGET[c.target]);
  w.bytesField(3, c.key);
  w.tag(COMPARE_UNION_FIELD[c.target], WIRE_VARINT);
  w.varint(c.value);
}

/** TxnRequest. */
export function encodeTxn(t: KvTxn): Buffer {
  let size = 0;
  for (const c of t.compare) size += lenFieldSize(compareSize(c));
  for (const op of t.success) size += lenFieldSize(opSize(op));
  for (const op of t.failure) size += lenFieldSize(opSize(op));
  const w = new Writer(size);
  for (const c of t.compare) writeCompare(w, c);
  for (const op of t.success) writeOp(w, 2, op);
  for (const op of t.failure) writeOp(w, 3, op);
  return w.buf;
}

const EMPTY = Buffer.alloc(0);

class Reader {
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

function headerRevision(r: Reader, end: number): number {
  let revision = 0;
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === ((3 << 3) | WIRE_VARINT)) revision = r.varint();
    else r.skip(tag & 7);
  }
  return revision;
}

/** Decodes an embedded message field with the same reader, up to the field's end. */
function withField<T>(r: Reader, decode: (r: Reader, end: number) => T): T {
  const length = r.varint();
  const end = r.pos + length;
  if (end > r.end) throw new RangeError('etcd response: truncated field');
  const value = decode(r, end);
  r.pos = end;
  return value;
}

function decodeKeyValue(r: Reader, end: number): StoredValue {
  const kv: StoredValue = { key: '', value: EMPTY, modRevision: 0, createRevision: 0, version: 0 };
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case (1 << 3) | WIRE_LEN: {
        const start = r.len();
        kv.key = r.buf.toString('utf8', start, r.pos);
        break;
      }
      case (2 << 3) | WIRE_VARINT:
        kv.createRevision = r.varint();
        break;
      case (3 << 3) | WIRE_VARINT:
        kv.modRevision = r.varint();
        break;
      case (4 << 3) | WIRE_VARINT:
        kv.version = r.varint();
        break;
      case (5 << 3) | WIRE_LEN: {
        const start = r.len();
        kv.value = r.buf.subarray(start, r.pos);
        break;
      }
      default:
        r.skip(tag & 7);
    }
  }
  return kv;
}

function decodeRangeBody(r: Reader, end: number): KvRangeResult {
  const res: KvRangeResult = { revision: 0, kvs: [], more: false, count: 0 };
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case (1 << 3) | WIRE_LEN:
        res.revision = withField(r, headerRevision);
        break;
      case (2 << 3) | WIRE_LEN:
        res.kvs.push(withField(r, decodeKeyValue));
        break;
      case (3 << 3) | WIRE_VARINT:
        res.more = r.varint() !== 0;
        break;
      case (4 << 3) | WIRE_VARINT:
        res.count = r.varint();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return res;
}

/** RangeResponse. Values are views of buf. */
export function decodeRangeResponse(buf: Buffer): KvRangeResult {
  return decodeRangeBody(new Reader(buf, 0, buf.length), buf.length);
}

function decodeResponseOp(r: Reader, end: number): KvRangeResult | undefined {
  let range: KvRangeResult | undefined;
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === ((1 << 3) | WIRE_LEN)) range = withField(r, decodeRangeBody);
    else r.skip(tag & 7);
  }
  return range;
}

/** TxnResponse. Values are views of buf. */
export function decodeTxnResponse(buf: Buffer): KvTxnResult {
  const r = new Reader(buf, 0, buf.length);
  const res: KvTxnResult = { revision: 0, succeeded: false, responses: [] };
  while (r.pos < buf.length) {
    const tag = r.varint();
    switch (tag) {
      case (1 << 3) | WIRE_LEN:
        res.revision = withField(r, headerRevision);
        break;
      case (2 << 3) | WIRE_VARINT:
        res.succeeded = r.varint() !== 0;
        break;
      case (3 << 3) | WIRE_LEN:
        res.responses.push(withField(r, decodeResponseOp));
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return res;
}
