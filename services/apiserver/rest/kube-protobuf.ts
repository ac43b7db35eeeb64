import protobuf from 'protobufjs';
import { ApiError, badRequest } from '../../../lib/api/errors.js';
import { lookupType } from '../../../lib/api/proto.js';

// Kubernetes' protobuf encoding (application/vnd.kubernetes.protobuf), in which kubectl's typed
// clients send objects without falling back to JSON: the 4-byte magic `k8s\0`, then a
// runtime.Unknown naming the object's apiVersion and kind and carrying it, encoded as k8s.io/api
// numbers its fields (described in proto/kubets/k8s/). A body is turned into Kubernetes' JSON shape,
// so that it takes the same road as a JSON body: decoding, validation, defaulting and admission stay
// single. The way back (encodeKubeProtobuf) writes a response from that same JSON shape.

export const PROTOBUF_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from('k8s\0', 'latin1');

type Json = unknown;
type Message = Record<string, unknown>;

/** The proto package of an API group and version: `apps/v1` → kubets.k8s.apps.v1, `v1` → kubets.k8s.core.v1. */
function packageOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  return `kubets.k8s.${group === '' ? 'core' : group.split('.')[0]}.${version}`;
}

/** meta.k8s.io's kinds, which travel under any group's version. */
const META_KINDS = new Set(['DeleteOptions', 'Status']);

/** The message type of an apiVersion and kind. */
function messageType(apiVersion: string, kind: string): protobuf.Type {
  const name = META_KINDS.has(kind) ? `kubets.k8s.meta.v1.${kind}` : `${packageOf(apiVersion)}.${kind}`;
  try {
    return lookupType(name);
  } catch {
    throw new ApiError('UnsupportedMediaType', `no kind "${kind}" is registered for version "${apiVersion}" in the protobuf encoding: send it as application/json`);
  }
}

const toNumber = (value: unknown): number => (typeof value === 'number' ? value : Number(String(value)));
/** An int64 as protobufjs decodes it (a Long when the long package is present). */
const isLong = (value: unknown): boolean => typeof value === 'object' && value !== null && 'low' in value && 'high' in value;

/** Go's zero time (0001-01-01) and an empty Time both mean unset, as JSON's null does. */
function timeJSON(message: Message, micro: boolean): string | undefined {
  const seconds = toNumber(message.seconds ?? 0);
  const nanos = toNumber(message.nanos ?? 0);
  if ((seconds === 0 && nanos === 0) || seconds <= -62135596800) return undefined;
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micro ? `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${iso}Z`;
}

/** Raw JSON (FieldsV1, RawExtension): parsed; a nested protobuf object (RawExtension) decoded in turn. */
function rawJSON(bytes: unknown): Json {
  const raw = Buffer.from((bytes as Uint8Array | undefined) ?? []);
  if (raw.length === 0) return undefined;
  if (raw.subarray(0, MAGIC.length).equals(MAGIC)) return decodeKubeProtobuf(raw).object;
  return JSON.parse(raw.toString('utf8')) as Json;
}

/** The types whose JSON is not their message's shape (Kubernetes marshals them by hand). */
const SPECIAL: Record<string, (message: Message) => Json> = {
  'kubets.k8s.meta.v1.Time': (m) => timeJSON(m, false),
  'kubets.k8s.meta.v1.MicroTime': (m) => timeJSON(m, true),
  'kubets.k8s.meta.v1.FieldsV1': (m) => rawJSON(m.Raw),
  'kubets.k8s.resource.Quantity': (m) => m.string ?? '',
  'kubets.k8s.intstr.IntOrString': (m) => (toNumber(m.type ?? 0) === 1 ? (m.strVal ?? '') : toNumber(m.intVal ?? 0)),
  'kubets.k8s.runtime.RawExtension': (m) => rawJSON(m.raw),
  'kubets.k8s.certificates.v1.ExtraValue': (m) => m.items ?? [],
};

/**
 * Embedded Go structs whose fields Kubernetes' JSON puts in the outer object (`json:",inline"`),
 * while protobuf keeps them in a field of their own (marked `inline` in proto/kubets/k8s/).
 */
const INLINE = new Set([
  'kubets.k8s.core.v1.ConfigMapEnvSource.localObjectReference',
  'kubets.k8s.core.v1.ConfigMapKeySelector.localObjectReference',
  'kubets.k8s.core.v1.ConfigMapProjection.localObjectReference',
  'kubets.k8s.core.v1.ConfigMapVolumeSource.localObjectReference',
  'kubets.k8s.core.v1.SecretEnvSource.localObjectReference',
  'kubets.k8s.core.v1.SecretKeySelector.localObjectReference',
  'kubets.k8s.core.v1.SecretProjection.localObjectReference',
  'kubets.k8s.core.v1.EphemeralContainer.ephemeralContainerCommon',
  'kubets.k8s.core.v1.PersistentVolumeSpec.persistentVolumeSource',
  'kubets.k8s.core.v1.Probe.handler',
  'kubets.k8s.core.v1.Volume.volumeSource',
  'kubets.k8s.networking.v1.IngressRule.ingressRuleValue',
]);

function isZero(value: unknown): boolean {
  if (value === '' || value === false || value === 0) return true;
  if (value instanceof Uint8Array) return value.length === 0;
  return isLong(value) && toNumber(value) === 0;
}

function valueJSON(field: protobuf.Field, value: unknown): Json {
  if (field.resolvedType instanceof protobuf.Type) return messageJSON(field.resolvedType, value as Message);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (isLong(value)) return toNumber(value);
  return value;
}

/**
 * A decoded message as Kubernetes' JSON. Plain fields at their zero value and empty lists and maps
 * are left out: on the wire they cannot be told from unset ones, and Kubernetes reads them so.
 */
function messageJSON(type: protobuf.Type, message: Message): Json {
  const name = type.fullName.slice(1);
  const special = SPECIAL[name];
  if (special) return special(message);
  const out: Record<string, Json> = {};
  for (const field of type.fieldsArray) {
    if (!Object.prototype.hasOwnProperty.call(message, field.name)) continue;
    const value = message[field.name];
    let json: Json;
    if (field.map) {
      const entries = Object.entries(value as Message);
      if (entries.length === 0) continue;
      json = Object.fromEntries(entries.map(([k, v]) => [k, valueJSON(field, v)]));
    } else if (field.repeated) {
      if ((value as unknown[]).length === 0) continue;
      json = (value as unknown[]).map((v) => valueJSON(field, v));
    } else if (INLINE.has(`${name}.${field.name}`)) {
      Object.assign(out, valueJSON(field, value));
      continue;
    } else {
      // A field with presence (optional: a pointer in Kubernetes' Go types) keeps its zero value.
      if (!field.partOf && !(field.resolvedType instanceof protobuf.Type) && isZero(value)) continue;
      json = valueJSON(field, value);
    }
    if (json !== undefined) out[field.name] = json;
  }
  return out;
}

export interface KubeProtobufObject {
  apiVersion: string;
  kind: string;
  /** The object in Kubernetes' JSON shape, apiVersion and kind included. */
  object: Record<string, Json>;
}

/** Decodes a Kubernetes protobuf body; anything malformed is a 400 naming what is wrong. */
export function decodeKubeProtobuf(body: Buffer): KubeProtobufObject {
  if (!body.subarray(0, MAGIC.length).equals(MAGIC)) throw badRequest('the protobuf body does not start with the k8s magic prefix');
  const unknownType = lookupType('kubets.k8s.runtime.Unknown');
  let unknown: Message;
  try {
    unknown = unknownType.decode(body.subarray(MAGIC.length)) as unknown as Message;
  } catch (err) {
    throw badRequest(`the protobuf body is not a runtime.Unknown: ${(err as Error).message}`);
  }
  const typeMeta = (unknown.typeMeta ?? {}) as Message;
  const apiVersion = String(typeMeta.apiVersion ?? '');
  const kind = String(typeMeta.kind ?? '');
  if (kind === '') throw badRequest('Object \'Kind\' is missing in the protobuf body');
  if (unknown.contentEncoding) throw new ApiError('UnsupportedMediaType', `the protobuf body's content encoding "${String(unknown.contentEncoding)}" is not supported`);
  const type = messageType(apiVersion, kind);
  try {
    const decoded = type.decode(Buffer.from((unknown.raw as Uint8Array | undefined) ?? [])) as unknown as Message;
    return { apiVersion, kind, object: { apiVersion, kind, ...(messageJSON(type, decoded) as Record<string, Json>) } };
  } catch (err) {
    // A nested object (RawExtension) may already have been refused with its own reason.
    if (err instanceof ApiError) throw err;
    throw badRequest(`${kind} in version "${apiVersion}" cannot be handled as a ${kind}: ${(err as Error).message}`);
  }
}

// --- encoding: Kubernetes' JSON shape back to its protobuf ---

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z$/;

function timeMessage(value: unknown): Message | undefined {
  const match = typeof value === 'string' ? RFC3339.exec(value) : null;
  if (!match) return undefined;
  const fraction = match[2] ?? '';
  return { seconds: Date.parse(`${match[1]}Z`) / 1000, nanos: fraction ? Math.round(Number(`0${fraction}`) * 1e9) : 0 };
}

const rawMessage = (value: unknown): Uint8Array | undefined => (value === undefined || value === null ? undefined : Buffer.from(JSON.stringify(value)));

/** The inverse of SPECIAL: the message of a hand-marshalled type from its JSON. */
const SPECIAL_FROM_JSON: Record<string, (value: unknown) => Message | undefined> = {
  'kubets.k8s.meta.v1.Time': timeMessage,
  'kubets.k8s.meta.v1.MicroTime': timeMessage,
  'kubets.k8s.meta.v1.FieldsV1': (v) => ({ Raw: rawMessage(v) }),
  'kubets.k8s.resource.Quantity': (v) => ({ string: String(v) }),
  'kubets.k8s.intstr.IntOrString': (v) => (typeof v === 'number' ? { type: 0, intVal: v } : { type: 1, strVal: String(v) }),
  'kubets.k8s.runtime.RawExtension': (v) => ({ raw: rawMessage(v) }),
  'kubets.k8s.certificates.v1.ExtraValue': (v) => ({ items: v }),
};

function valueMessage(field: protobuf.Field, value: unknown): unknown {
  if (field.resolvedType instanceof protobuf.Type) return jsonMessage(field.resolvedType, value);
  if (field.type === 'bytes') return Buffer.from(String(value), 'base64');
  return value;
}

/** Kubernetes' JSON of a message as the plain object protobufjs encodes; fields the schema lacks are left out. */
function jsonMessage(type: protobuf.Type, json: unknown): Message | undefined {
  const name = type.fullName.slice(1);
  const special = SPECIAL_FROM_JSON[name];
  if (special) return special(json);
  if (typeof json !== 'object' || json === null) return undefined;
  const source = json as Record<string, unknown>;
  const out: Message = {};
  for (const field of type.fieldsArray) {
    if (INLINE.has(`${name}.${field.name}`)) {
      out[field.name] = valueMessage(field, source);
      continue;
    }
    const value = source[field.name];
    if (value === undefined || value === null) continue;
    if (field.map) out[field.name] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, valueMessage(field, v)]));
    else if (field.repeated) out[field.name] = (value as unknown[]).map((v) => valueMessage(field, v));
    else out[field.name] = valueMessage(field, value);
  }
  return out;
}

/** Whether an object of this apiVersion and kind has a protobuf description to be written in. */
export function hasKubeProtobuf(apiVersion: string, kind: string): boolean {
  try {
    messageType(apiVersion, kind);
    return true;
  } catch {
    return false;
  }
}

/** An object in Kubernetes' JSON shape (apiVersion and kind set) as a Kubernetes protobuf body. */
export function encodeKubeProtobuf(json: Record<string, unknown>): Buffer {
  const apiVersion = String(json.apiVersion ?? '');
  const kind = String(json.kind ?? '');
  const type = messageType(apiVersion, kind);
  const raw = type.encode(jsonMessage(type, json) ?? {}).finish();
  const unknown = lookupType('kubets.k8s.runtime.Unknown').encode({ typeMeta: { apiVersion, kind }, raw }).finish();
  return Buffer.concat([MAGIC, unknown]);
}

/** A length-delimited field's tag and length, which come before its bytes. */
function lengthPrefix(fieldId: number, length: number): Uint8Array {
  return protobuf.Writer.create().uint32((fieldId << 3) | 2).uint32(length).finish();
}

/**
 * A list in Kubernetes' JSON shape as the pieces of its protobuf body, the same bytes as
 * encodeKubeProtobuf of the whole list: each item is encoded as it comes, so its object and
 * message are dropped before the next, and only the encoded items are held until the list's
 * length, which comes first, is known. Undefined when the list's kind has no protobuf description,
 * or its array is not its last field.
 */
export function encodeKubeProtobufList(head: Record<string, unknown>, field: string, items: Iterable<unknown>): Uint8Array[] | undefined {
  const apiVersion = String(head.apiVersion ?? '');
  const kind = String(head.kind ?? '');
  if (!hasKubeProtobuf(apiVersion, kind)) return undefined;
  const type = messageType(apiVersion, kind);
  const array = type.fields[field];
  if (!array?.repeated || !(array.resolvedType instanceof protobuf.Type) || type.fieldsArray.some((f) => f.id > array.id)) return undefined;
  const itemType = array.resolvedType;
  // Fields are encoded in the order of their numbers and an empty array not at all: the list
  // without its items, then each item's field, is the list.
  const listHead = type.encode(jsonMessage(type, { ...head, [field]: [] }) ?? {}).finish();
  const pieces: Uint8Array[] = [];
  let rawLength = listHead.length;
  for (const item of items) {
    const bytes = itemType.encode(jsonMessage(itemType, item) ?? {}).finish();
    const prefix = lengthPrefix(array.id, bytes.length);
    pieces.push(prefix, bytes);
    rawLength += prefix.length + bytes.length;
  }
  const unknownType = lookupType('kubets.k8s.runtime.Unknown');
  const typeMeta = unknownType.encode({ typeMeta: { apiVersion, kind } }).finish();
  return [MAGIC, typeMeta, lengthPrefix(unknownType.fields.raw!.id, rawLength), listHead, ...pieces];
}
