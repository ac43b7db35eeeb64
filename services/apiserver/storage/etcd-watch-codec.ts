import { decodeKeyValue, headerRevision } from './etcd-kv-codec.js';
import { lenFieldSize, Reader, varintFieldSize, WIRE_LEN, WIRE_VARINT, withField, Writer } from './proto-wire.js';
import type { StoredValue, WatchEvent } from './store.js';

// Protobuf encoding of the etcd Watch messages EtcdStore's watches send and receive (their schema,
// at etcd's field numbers, is etcd-watch.proto). Every write in etcd, to any resource a cache
// watches, arrives as one WatchResponse: decoded by hand, its events become the WatchEvents the
// watch caches apply, with revisions as numbers, keys as strings and values as views of the
// received bytes, and nothing in between.

/** A WatchCreateRequest of the fields EtcdStore sets. */
export interface WatchCreate {
  key: Buffer;
  rangeEnd: Buffer;
  /** The first revision to deliver. */
  startRevision: number;
  /** Ask etcd for an empty response now and then while nothing in the range changes. */
  progressNotify: boolean;
}

export interface WatchResponseFields {
  /** The header's revision: the store's revision when the response was sent. */
  revision: number;
  watchId: number;
  created: boolean;
  canceled: boolean;
  /** Not 0: the watch's start revision is compacted (up to this one) and etcd cancelled the watch. */
  compactRevision: number;
  cancelReason: string;
  events: WatchEvent[];
}

const EVENT_DELETE = 1;

function createSize(c: WatchCreate): number {
  return lenFieldSize(c.key.length) + lenFieldSize(c.rangeEnd.length) + varintFieldSize(c.startRevision) + (c.progressNotify ? 2 : 0);
}

/** A WatchRequest holding a create_request. */
export function encodeWatchCreate(c: WatchCreate): Buffer {
  const size = createSize(c);
  const w = new Writer(lenFieldSize(size));
  w.lenPrefix(1, size);
  w.bytesField(1, c.key);
  w.bytesField(2, c.rangeEnd);
  w.varintField(3, c.startRevision);
  if (c.progressNotify) w.varintField(4, 1);
  return w.buf;
}

function decodeEvent(r: Reader, end: number): WatchEvent {
  let deleted = false;
  let kv: StoredValue | undefined;
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === ((1 << 3) | WIRE_VARINT)) deleted = r.varint() === EVENT_DELETE;
    else if (tag === ((2 << 3) | WIRE_LEN)) kv = withField(r, decodeKeyValue);
    else r.skip(tag & 7);
  }
  if (!kv) throw new RangeError('etcd watch response: an event without its key');
  return { type: deleted ? 'delete' : 'put', kv };
}

/** WatchResponse. Values are views of buf. */
export function decodeWatchResponse(buf: Buffer): WatchResponseFields {
  const r = new Reader(buf, 0, buf.length);
  const res: WatchResponseFields = { revision: 0, watchId: 0, created: false, canceled: false, compactRevision: 0, cancelReason: '', events: [] };
  while (r.pos < buf.length) {
    const tag = r.varint();
    switch (tag) {
      case (1 << 3) | WIRE_LEN:
        res.revision = withField(r, headerRevision);
        break;
      case (2 << 3) | WIRE_VARINT:
        res.watchId = r.varint();
        break;
      case (3 << 3) | WIRE_VARINT:
        res.created = r.varint() !== 0;
        break;
      case (4 << 3) | WIRE_VARINT:
        res.canceled = r.varint() !== 0;
        break;
      case (5 << 3) | WIRE_VARINT:
        res.compactRevision = r.varint();
        break;
      case (6 << 3) | WIRE_LEN: {
        const start = r.len();
        res.cancelReason = buf.toString('utf8', start, r.pos);
        break;
      }
      case (11 << 3) | WIRE_LEN:
        res.events.push(withField(r, decodeEvent));
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return res;
}
