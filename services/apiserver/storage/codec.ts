import protobuf from 'protobufjs';
import { unwrap, wrap } from '../../../lib/api/envelope.js';
import { ApiError } from '../../../lib/api/errors.js';
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

/**
 * A stored value that does not decode (broken in storage): an internal error, as Kubernetes
 * answers a corrupt object, naming the key so that an operator can find it.
 */
export function undecodableObject(key: string, err: unknown): ApiError {
  return new ApiError('InternalError', `Internal error occurred: the object stored at ${key} cannot be decoded: ${err instanceof Error ? err.message : String(err)}`);
}

export function decodeFromStorage(info: ResourceInfo, stored: StoredValue): AnyObject {
  let decoded: ReturnType<typeof unwrap>;
  try {
    decoded = unwrap(decodeObject(stored.value));
  } catch (err) {
    throw undecodableObject(stored.key, err);
  }
  if (!decoded || decoded.info !== info) throw new Error(`stored value at ${stored.key} is not a ${info.kind}`);
  const object = decoded.object;
  object.metadata = { ...object.metadata, resourceVersion: String(stored.modRevision) };
  return object;
}

const LENGTH_DELIMITED = 2;
const RESOURCE_VERSION_FIELD = lookupMessage('ObjectMeta').fields.resourceVersion!.id;

function varintLength(value: number): number {
  let n = 1;
  while (value > 0x7f) {
    value >>>= 7;
    n++;
  }
  return n;
}

function writeVarint(out: Buffer, pos: number, value: number): number {
  while (value > 0x7f) {
    out[pos++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  out[pos++] = value;
  return pos;
}

/** The size of a length-delimited field's tag and length. */
function headerLength(field: number, length: number): number {
  return varintLength((field << 3) | LENGTH_DELIMITED) + varintLength(length);
}

function writeHeader(out: Buffer, pos: number, field: number, length: number): number {
  return writeVarint(out, writeVarint(out, pos, (field << 3) | LENGTH_DELIMITED), length);
}

interface KindLayout {
  /** The Object envelope's field of the kind. */
  objectField: number;
  metadataField: number;
  /** The kind's apiVersion and kind fields, encoded: the same for every object of the kind. */
  typeFields: Buffer;
}

const layouts = new Map<ResourceInfo, KindLayout>();

function layoutOf(info: ResourceInfo): KindLayout {
  let layout = layouts.get(info);
  if (!layout) {
    const objectField = lookupMessage('Object').fields[info.field]!;
    const fields = (objectField.resolvedType as protobuf.Type).fields;
    const writer = protobuf.Writer.create();
    if (info.apiVersion) writer.uint32((fields.apiVersion!.id << 3) | LENGTH_DELIMITED).string(info.apiVersion);
    if (info.kind) writer.uint32((fields.kind!.id << 3) | LENGTH_DELIMITED).string(info.kind);
    layout = { objectField: objectField.id, metadataField: fields.metadata!.id, typeFields: Buffer.from(writer.finish()) };
    layouts.set(info, layout);
  }
  return layout;
}

/**
 * The wire envelope (lib/api/proto.ts encodeObject) of object, built from bytes that
 * encodeForStorage made of it, when object has since changed only in metadata.resourceVersion
 * (given as resourceVersion, so a caller holding only the bytes need not decode them):
 * the stored bytes with apiVersion, kind and resourceVersion added, written into one buffer,
 * which costs a copy instead of a second conversion and encoding of the whole object. Decodes to
 * the same object as encodeObject(wireObject(info, object)), apiVersion and kind being always the
 * resource's.
 */
export function wireEnvelopeFromStored(info: ResourceInfo, resourceVersion: string | undefined, stored: Buffer): Buffer {
  const { objectField, metadataField, typeFields } = layoutOf(info);
  const reader = protobuf.Reader.create(stored);
  const tag = reader.uint32();
  const length = reader.uint32();
  if (tag !== ((objectField << 3) | LENGTH_DELIMITED) || reader.pos + length !== stored.length) {
    throw new Error(`stored bytes do not hold one ${info.kind}`);
  }
  const bodyStart = reader.pos;
  // Where the metadata field is (tag to end) and its contents; the other fields are copied as they are.
  let metaFieldStart = stored.length;
  let metaFieldEnd = stored.length;
  let metaStart = stored.length;
  while (reader.pos < stored.length) {
    const start = reader.pos;
    const fieldTag = reader.uint32();
    if (fieldTag === ((metadataField << 3) | LENGTH_DELIMITED)) {
      const metaLength = reader.uint32();
      metaFieldStart = start;
      metaStart = reader.pos;
      metaFieldEnd = reader.pos + metaLength;
      break;
    }
    reader.skipType(fieldTag & 7);
  }
  const version = resourceVersion;
  const versionBytes = version ? Buffer.byteLength(version) : 0;
  const versionField = version ? headerLength(RESOURCE_VERSION_FIELD, versionBytes) + versionBytes : 0;
  const metaLength = metaFieldEnd - metaStart + versionField;
  const hasMeta = metaFieldStart < stored.length || versionField > 0;
  const body = typeFields.length + (stored.length - bodyStart) - (metaFieldEnd - metaFieldStart) + (hasMeta ? headerLength(metadataField, metaLength) + metaLength : 0);
  const out = Buffer.allocUnsafe(headerLength(objectField, body) + body);
  let pos = writeHeader(out, 0, objectField, body);
  pos += typeFields.copy(out, pos);
  pos += stored.copy(out, pos, bodyStart, metaFieldStart);
  if (hasMeta) {
    pos = writeHeader(out, pos, metadataField, metaLength);
    pos += stored.copy(out, pos, metaStart, metaFieldEnd);
    if (version) {
      pos = writeHeader(out, pos, RESOURCE_VERSION_FIELD, versionBytes);
      pos += out.write(version, pos);
    }
  }
  pos += stored.copy(out, pos, metaFieldEnd);
  if (pos !== out.length) throw new Error(`spliced ${info.kind} envelope is ${pos} bytes, expected ${out.length}`);
  return out;
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
  return stored && isStoredVersion(info) ? wireEnvelopeFromStored(info, object.metadata?.resourceVersion, stored) : encodeObject(wireObject(info, object));
}
