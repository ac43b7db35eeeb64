import protobuf from 'protobufjs';
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

/**
 * The gRPC WatchEvent of ev for a watcher of info's version. An event that came from storage, sent
 * in the stored version, is its stored bytes spliced (revision, apiVersion and kind added): no
 * conversion and encoding of the whole object on the fan-out path, nor even its decoding (the
 * revision of an event from storage is its object's resourceVersion).
 */
export function encodeWatchEvent(info: ResourceInfo, ev: WatchOut): Buffer {
  if (ev.stored && isStoredVersion(info)) return watchEventAround(ev.type, wireEnvelopeFromStored(info, String(ev.revision), ev.stored));
  return encodeMessage('kubets.v1.WatchEvent', { type: ev.type, object: wireObject(info, ev.object) });
}
