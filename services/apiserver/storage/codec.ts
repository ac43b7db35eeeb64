import protobuf from 'protobufjs';
import { unwrap, wrap } from '../../../lib/api/envelope.js';
import { wireObject } from '../wire-object.js';
import { decodeObject, encodeObject, lookupMessage } from '../../../lib/api/proto.js';
import { isStoredVersion, type AnyObject, type KindTypes, type ResourceInfo } from '../../../lib/api/resources.js';
import type { StoredValue } from './store.js';

// Objects are stored as the protobuf envelope without resourceVersion (it is the etcd revision,
// set on every read) and without apiVersion/kind (implied by the key).

export function encodeForStorage(info: ResourceInfo, object: AnyObject): Buffer {
  const { apiVersion: _a, kind: _k, ...rest } = object as AnyObject & { apiVersion?: string; kind?: string };
  const metadata = { ...rest.metadata, resourceVersion: undefined };
  return encodeObject(wrap(info.field, { ...rest, metadata } as KindTypes[typeof info.field]));
}

export function decodeFromStorage(info: ResourceInfo, stored: StoredValue): AnyObject {
  const decoded = unwrap(decodeObject(stored.value));
  if (!decoded || decoded.info !== info) throw new Error(`stored value at ${stored.key} is not a ${info.kind}`);
  const object = decoded.object;
  object.metadata = { ...object.metadata, resourceVersion: String(stored.modRevision) };
  return object;
}

const LENGTH_DELIMITED = 2;
const RESOURCE_VERSION_FIELD = lookupMessage('ObjectMeta').fields.resourceVersion!.id;

function varint(value: number): Buffer {
  const bytes: number[] = [];
  while (value > 0x7f) {
    bytes.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  bytes.push(value);
  return Buffer.from(bytes);
}

function stringField(field: number, value: string | undefined): Buffer[] {
  if (!value) return [];
  const bytes = Buffer.from(value);
  return [varint((field << 3) | LENGTH_DELIMITED), varint(bytes.length), bytes];
}

function delimited(field: number, parts: Buffer[]): Buffer[] {
  const length = parts.reduce((n, p) => n + p.length, 0);
  return [varint((field << 3) | LENGTH_DELIMITED), varint(length), ...parts];
}

/**
 * The wire envelope (lib/api/proto.ts encodeObject) of object, built from bytes that
 * encodeForStorage made of it, when object has since changed only in metadata.resourceVersion:
 * the stored bytes with apiVersion, kind and resourceVersion added, which costs a copy instead of
 * a second conversion and encoding of the whole object. Decodes to the same object as
 * encodeObject(wireObject(info, object)), apiVersion and kind being always the resource's.
 */
export function wireEnvelopeFromStored(info: ResourceInfo, object: AnyObject, stored: Buffer): Buffer {
  const kindType = lookupMessage('Object').fields[info.field]!.resolvedType as protobuf.Type;
  const reader = protobuf.Reader.create(stored);
  const tag = reader.uint32();
  const length = reader.uint32();
  if (tag !== ((lookupMessage('Object').fields[info.field]!.id << 3) | LENGTH_DELIMITED) || reader.pos + length !== stored.length) {
    throw new Error(`stored bytes do not hold one ${info.kind}`);
  }
  const metadataField = kindType.fields.metadata!.id;
  const parts = [...stringField(kindType.fields.apiVersion!.id, info.apiVersion), ...stringField(kindType.fields.kind!.id, info.kind)];
  const version = stringField(RESOURCE_VERSION_FIELD, object.metadata?.resourceVersion);
  let sawMetadata = false;
  while (reader.pos < stored.length) {
    const start = reader.pos;
    const fieldTag = reader.uint32();
    if (fieldTag === ((metadataField << 3) | LENGTH_DELIMITED)) {
      const metaLength = reader.uint32();
      const meta = stored.subarray(reader.pos, reader.pos + metaLength);
      reader.pos += metaLength;
      parts.push(...delimited(metadataField, [meta, ...version]));
      sawMetadata = true;
    } else {
      reader.skipType(fieldTag & 7);
      parts.push(stored.subarray(start, reader.pos));
    }
  }
  if (!sawMetadata && version.length > 0) parts.push(...delimited(metadataField, version));
  return Buffer.concat(delimited(lookupMessage('Object').fields[info.field]!.id, parts));
}

/** Objects whose stored bytes are known: what encodeForStorage made of them, written to the store. */
const storedForms = new WeakMap<AnyObject, Buffer>();

/** Notes that object, apart from metadata.resourceVersion, is what bytes (from encodeForStorage) hold. */
export function noteStoredForm(object: AnyObject, bytes: Buffer): void {
  storedForms.set(object, bytes);
}

/** The wire envelope of object: spliced from its stored bytes when they are known, else encoded in full. */
export function encodeWireEnvelope(info: ResourceInfo, object: AnyObject): Buffer {
  const stored = storedForms.get(object);
  return stored && isStoredVersion(info) ? wireEnvelopeFromStored(info, object, stored) : encodeObject(wireObject(info, object));
}
