import { unwrap, wrap } from '../../../lib/api/envelope.js';
import { decodeObject, encodeObject } from '../../../lib/api/proto.js';
import type { AnyObject, KindTypes, ResourceInfo } from '../../../lib/api/resources.js';
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
