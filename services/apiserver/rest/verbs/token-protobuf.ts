import protobuf from 'protobufjs';
import { ApiError } from '../../../../lib/api/errors.js';
import type { BoundObjectReference, TokenRequest } from '../../../../lib/api/generated/index.js';

// kubectl's typed client sends a TokenRequest in Kubernetes' protobuf encoding, without falling
// back to JSON: the `k8s\0` magic, then a runtime.Unknown whose `raw` is the TokenRequest of
// k8s.io/api/authentication/v1 (generated.proto). Only the fields the server acts on are read.

export const PROTOBUF_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from('k8s\0', 'latin1');

/** The fields of one message: number → the raw values, in order (length-delimited ones as bytes). */
function fields(bytes: Uint8Array): Map<number, (Uint8Array | number)[]> {
  const reader = protobuf.Reader.create(bytes);
  const out = new Map<number, (Uint8Array | number)[]>();
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const number = tag >>> 3;
    const wire = tag & 7;
    let value: Uint8Array | number | undefined;
    if (wire === 2) value = reader.bytes();
    else if (wire === 0) value = Number(reader.int64().toString());
    else reader.skipType(wire);
    if (value !== undefined) out.set(number, [...(out.get(number) ?? []), value]);
  }
  return out;
}

const text = (value: Uint8Array | number | undefined): string | undefined => (value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : undefined);
const message = (value: Uint8Array | number | undefined): Map<number, (Uint8Array | number)[]> => (value instanceof Uint8Array ? fields(value) : new Map());

export function decodeProtobufTokenRequest(body: Buffer): TokenRequest {
  try {
    if (!body.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('missing the k8s magic prefix');
    const unknown = fields(body.subarray(MAGIC.length));
    const request = message(unknown.get(2)?.[0]);
    const spec = message(request.get(2)?.[0]);
    const audiences = (spec.get(1) ?? []).map((a) => text(a) ?? '');
    const seconds = spec.get(4)?.[0];
    const ref = spec.get(3) ? message(spec.get(3)![0]) : undefined;
    const boundObjectRef: BoundObjectReference | undefined = ref && { kind: text(ref.get(1)?.[0]), apiVersion: text(ref.get(2)?.[0]), name: text(ref.get(3)?.[0]), uid: text(ref.get(4)?.[0]) };
    return { spec: { audiences, ...(typeof seconds === 'number' && { expirationSeconds: seconds }), ...(boundObjectRef && { boundObjectRef }) } };
  } catch (err) {
    throw new ApiError('BadRequest', `TokenRequest in version "v1" cannot be handled as a TokenRequest: ${(err as Error).message}`);
  }
}
