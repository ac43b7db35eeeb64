import type * as grpc from '@grpc/grpc-js';
import type { Envelope } from '../../lib/api/envelope.js';
import { badRequest } from '../../lib/api/errors.js';
import { integerProblemsError } from '../../lib/api/integer-check.js';
import { lookupType, packageDefinition, toObjectOptions, type ServiceName } from '../../lib/api/proto.js';
import { checkWireFormat, type IntegerOutOfRange } from './wire-check.js';

// Requests are decoded by our handlers rather than by grpc-js, so that a malformed message becomes
// a BadRequest with a Kubernetes Status instead of grpc-js' bare INTERNAL error. Responses may be
// pre-encoded Buffers: a watch event is serialized once and written to every watcher as is.

export function rawServiceDefinition(serviceName: ServiceName): grpc.ServiceDefinition {
  const original = packageDefinition[serviceName] as unknown as grpc.ServiceDefinition;
  const def: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [method, attrs] of Object.entries(original)) {
    const serialize = attrs.responseSerialize;
    def[method] = {
      ...attrs,
      requestDeserialize: (bytes: Buffer) => bytes,
      responseSerialize: (value: unknown) => (Buffer.isBuffer(value) ? value : serialize(value)),
    } as grpc.MethodDefinition<unknown, unknown>;
  }
  return def as grpc.ServiceDefinition;
}

/** Decodes a request message of the given type, or throws BadRequest naming the problem. */
export function decodeRequest<T>(typeName: string, bytes: Buffer): T {
  const type = lookupType(typeName);
  let outOfRange: IntegerOutOfRange[];
  let decoded: T;
  try {
    outOfRange = checkWireFormat(type, bytes);
    decoded = type.toObject(type.decode(bytes), toObjectOptions) as T;
  } catch (err) {
    throw badRequest(`malformed ${typeName.split('.').pop()} message: ${(err as Error).message}`);
  }
  if (outOfRange.length > 0) throw integerProblemsError(typeName.split('.').pop()!, decoded as { object?: Envelope }, outOfRange);
  return decoded;
}

export function encodeMessage(typeName: string, value: object): Buffer {
  const type = lookupType(typeName);
  return Buffer.from(type.encode(type.fromObject(value)).finish());
}
