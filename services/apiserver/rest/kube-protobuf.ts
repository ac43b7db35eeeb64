import protobuf from 'protobufjs';
import { ApiError, badRequest } from '../../../lib/api/errors.js';
import { lookupType } from '../../../lib/api/proto.js';

// Kubernetes' protobuf request bodies (application/vnd.kubernetes.protobuf), which kubectl's typed
// clients send without falling back to JSON: the 4-byte magic `k8s\0`, then a runtime.Unknown
// naming the object's apiVersion and kind and carrying it, encoded as k8s.io/api numbers its
// fields (described in proto/kubets/k8s/). The object is turned into Kubernetes' JSON shape, so that it
// takes the same road as a JSON body: decoding, validation, defaulting and admission stay single.

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

/** The message type of an apiVersion and kind; DeleteOptions is meta's whatever group sends it. */
function messageType(apiVersion: string, kind: string): protobuf.Type {
  const name = kind === 'DeleteOptions' ? 'kubets.k8s.meta.v1.DeleteOptions' : `${packageOf(apiVersion)}.${kind}`;
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
  let decoded: Message;
  try {
    decoded = type.decode(Buffer.from((unknown.raw as Uint8Array | undefined) ?? [])) as unknown as Message;
  } catch (err) {
    throw badRequest(`${kind} in version "${apiVersion}" cannot be handled as a ${kind}: ${(err as Error).message}`);
  }
  return { apiVersion, kind, object: { apiVersion, kind, ...(messageJSON(type, decoded) as Record<string, Json>) } };
}
