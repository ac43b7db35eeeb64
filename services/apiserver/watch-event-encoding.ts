import protobuf from 'protobufjs';
import type { ApiError } from '../../lib/api/errors.js';
import { lookupMessage } from '../../lib/api/proto.js';
import { isStoredVersion, type ResourceInfo } from '../../lib/api/resources.js';
import { encodeMessage } from './grpc-service.js';
import { wireEnvelopeFromStored } from './storage/codec.js';
import type { WatchOut } from './watch/index.js';
import { wireObject } from './wire-object.js';

const LENGTH_DELIMITED = 2;

/** A WatchEvent message around an Object envelope that is already encoded. */
function watchEventAround(type: string, envelope: Buffer): Buffer {
  const fields = lookupMessage('WatchEvent').fields;
  const writer = protobuf.Writer.create();
  writer.uint32((fields.type!.id << 3) | LENGTH_DELIMITED).string(type);
  writer.uint32((fields.object!.id << 3) | LENGTH_DELIMITED).bytes(envelope);
  return Buffer.from(writer.finish());
}

/** Stored bytes found to decode whole, so that each is decoded once whatever the number of its events and watchers. */
const decodable = new WeakSet<Buffer>();

/**
 * Whether stored bytes decode whole, as every client's decoder will read them. The cache decodes
 * only what routing events needs, so bytes broken deeper inside (corrupt in storage) reach the
 * splice unnoticed, and sent as they are they would fail in the client without naming the object.
 */
export function decodesWhole(stored: Buffer): boolean {
  if (decodable.has(stored)) return true;
  try {
    lookupMessage('Object').decode(stored);
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
