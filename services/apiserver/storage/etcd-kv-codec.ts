import { bigVarintSize, lenFieldSize, Reader, varintFieldSize, varintSize, WIRE_LEN, WIRE_VARINT, withField, Writer } from './proto-wire.js';
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

const COMPARE_TARGET = { version: 0, mod: 2 } as const;
const COMPARE_UNION_FIELD = { version: 4, mod: 6 } as const;
const SORT_ASCEND = 1;

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

/** A ResponseHeader's revision: the store's revision when the response was made. */
export function headerRevision(r: Reader, end: number): number {
  let revision = 0;
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === ((3 << 3) | WIRE_VARINT)) revision = r.varint();
    else r.skip(tag & 7);
  }
  return revision;
}

const EMPTY = Buffer.alloc(0);

/** A KeyValue; its value is a view of the received bytes. */
export function decodeKeyValue(r: Reader, end: number): StoredValue {
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
