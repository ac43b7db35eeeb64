import type { ApiError } from '../../lib/api/errors.js';
import { lookupMessage } from '../../lib/api/proto.js';
import { isStoredVersion, type ResourceInfo } from '../../lib/api/resources.js';
import { encodeMessage } from './grpc-service.js';
import { wireEnvelopeFromStored } from './storage/codec.js';
import { bytesFieldSize, Writer } from './storage/proto-wire.js';
import type { WatchOut } from './watch/index.js';
import { checkWireFormat } from './wire-check.js';
import { wireObject } from './wire-object.js';

/** A WatchEvent's type field (ADDED, MODIFIED, ...), encoded once per type. */
const typeFields = new Map<string, Buffer>();

function typeField(type: string): Buffer {
  let field = typeFields.get(type);
  if (!field) {
    const id = lookupMessage('WatchEvent').fields.type!.id;
    const bytes = Buffer.from(type);
    const writer = new Writer(bytesFieldSize(id, bytes.length));
    writer.bytesField(id, bytes);
    field = writer.buf;
    typeFields.set(type, field);
  }
  return field;
}

/** A WatchEvent message around an Object envelope that is already encoded, written into one buffer sized beforehand. */
function watchEventAround(type: string, envelope: Buffer): Buffer {
  const objectId = lookupMessage('WatchEvent').fields.object!.id;
  const head = typeField(type);
  const writer = new Writer(head.length + bytesFieldSize(objectId, envelope.length));
  writer.pos += head.copy(writer.buf);
  writer.bytesField(objectId, envelope);
  return writer.buf;
}

/** Stored bytes found to decode whole, so that each is checked once whatever the number of its events and watchers. */
const decodable = new WeakSet<Buffer>();

/**
 * Whether stored bytes decode whole, as every client's decoder will read them. The cache decodes
 * only what routing events needs, so bytes broken deeper inside (corrupt in storage) reach the
 * splice unnoticed, and sent as they are they would fail in the client without naming the object.
 * The bytes are walked against the schema (the check requests get) rather than decoded: a decode
 * builds the whole message only to throw it away, at twice the cost. The walk is the stricter of
 * the two, so bytes it refuses that a decoder would read (a string that is not UTF-8) are only
 * encoded from the object instead of spliced. (The one limit a decoder has that the walk does not
 * count, 100 nested messages, no stored kind comes near: the Object schema has no cycles and nests
 * 13 deep.)
 */
export function decodesWhole(stored: Buffer): boolean {
  if (decodable.has(stored)) return true;
  try {
    checkWireFormat(lookupMessage('Object'), stored);
  } catch {
    return false;
  }
  decodable.add(stored);
  return true;
}

/**
 * The gRPC WatchEvent of ev for a watcher of info's version. An event that came from storage, sent
 * in the stored version, is its stored bytes spliced (revision, apiVersion and kind added): no
 * conversion and encoding of the whole object on the fan-out path. Bytes that do not decode are
 * not spliced: reading ev.object then throws the internal error that names the object's key.
 */
export function encodeWatchEvent(info: ResourceInfo, ev: WatchOut): Buffer {
  if (ev.stored && isStoredVersion(info) && decodesWhole(ev.stored)) return watchEventAround(ev.type, wireEnvelopeFromStored(info, String(ev.revision), ev.stored));
  return encodeMessage('kubets.v1.WatchEvent', { type: ev.type, object: wireObject(info, ev.object) });
}

/** The ERROR WatchEvent that ends a watch with err, as Kubernetes ends one with an event carrying a Status. */
export function encodeWatchError(err: ApiError): Buffer {
  return encodeMessage('kubets.v1.WatchEvent', { type: 'ERROR', status: err.toStatus() });
}
