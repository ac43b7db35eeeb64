import type protobuf from 'protobufjs';
import { encodesAsIs } from '../api/encodable.js';
import { ApiError } from '../api/errors.js';
import { unwrap, type Envelope } from '../api/envelope.js';
import { findIntegerProblems, integerProblemsError } from '../api/integer-check.js';
import { protoRoot } from '../api/proto.js';
import { MAX_MESSAGE_BYTES } from '../grpc-options.js';

// Requests are serialized before they are sent, so that what the server would refuse anyway is
// refused here with the object named: integers their fields cannot hold (protobufjs would wrap
// them silently, and the server would then see a valid but different number) and messages over
// the server's receive limit (grpc-js would only say RESOURCE_EXHAUSTED).

const requestTypes = new Map<string, protobuf.Type>();

/** The request message type of a Resources method, looked up in the schema once. */
function requestTypeOf(method: string): protobuf.Type {
  let type = requestTypes.get(method);
  if (!type) {
    // Resolved here: with the schema built on demand (the CLI), a method's types are not resolved until asked for.
    const rpc = protoRoot().lookupService('kubets.v1.Resources').methods[method]!;
    rpc.resolve();
    type = rpc.resolvedRequestType!;
    requestTypes.set(method, type);
  }
  return type;
}

/** The bytes of a unary request to the Resources service, or the ApiError the server would give. */
export function encodeRequest(method: string, request: object, serialize: (value: object) => Buffer): Buffer {
  const requestType = requestTypeOf(method);
  const bytes = encodesAsIs(requestType, request as Record<string, unknown>) ? asBuffer(requestType.encode(request).finish()) : checkedSerialize(requestType, request, serialize);
  if (bytes.length > MAX_MESSAGE_BYTES) {
    const carried = unwrap((request as { object?: Envelope }).object);
    const what = carried ? `${carried.info.kind} "${carried.object.metadata?.name ?? carried.object.metadata?.generateName ?? ''}"` : `the ${requestType.name}`;
    throw new ApiError('RequestEntityTooLarge', `Request entity too large: ${what} is ${bytes.length} bytes, limit is ${MAX_MESSAGE_BYTES}`);
  }
  return bytes;
}

/** The path for a request with values of other types: refused if an integer does not fit, else converted and encoded. */
function checkedSerialize(requestType: protobuf.Type, request: object, serialize: (value: object) => Buffer): Buffer {
  const problems = findIntegerProblems(requestType, request as Record<string, unknown>);
  if (problems.length > 0) throw integerProblemsError(requestType.name, request as { object?: Envelope }, problems);
  return serialize(request);
}

/** protobufjs' writer gives a Buffer in Node; a plain Uint8Array is wrapped, not copied. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
