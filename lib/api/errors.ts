import * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import type { Status, StatusCause } from './generated/index.js';
import { aggregate, type FieldError } from '../validation/field-errors.js';
import { goQuote } from '../validation/go-quote.js';
import { lookupMessage, lookupType, toObjectOptions } from './proto.js';

/** Kubernetes' metav1.StatusReason values we use. */
export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'Forbidden'
  | 'Unauthorized'
  | 'Gone'
  | 'Expired'
  | 'TooManyRequests'
  | 'RequestEntityTooLarge'
  | 'MethodNotAllowed'
  | 'UnsupportedMediaType'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'InternalError';

const reasonToGrpc: Record<StatusReason, { grpc: grpc.status; http: number }> = {
  NotFound: { grpc: grpc.status.NOT_FOUND, http: 404 },
  AlreadyExists: { grpc: grpc.status.ALREADY_EXISTS, http: 409 },
  Conflict: { grpc: grpc.status.ABORTED, http: 409 },
  Invalid: { grpc: grpc.status.INVALID_ARGUMENT, http: 422 },
  BadRequest: { grpc: grpc.status.INVALID_ARGUMENT, http: 400 },
  Forbidden: { grpc: grpc.status.PERMISSION_DENIED, http: 403 },
  Unauthorized: { grpc: grpc.status.UNAUTHENTICATED, http: 401 },
  Gone: { grpc: grpc.status.OUT_OF_RANGE, http: 410 },
  Expired: { grpc: grpc.status.OUT_OF_RANGE, http: 410 },
  TooManyRequests: { grpc: grpc.status.RESOURCE_EXHAUSTED, http: 429 },
  RequestEntityTooLarge: { grpc: grpc.status.RESOURCE_EXHAUSTED, http: 413 },
  MethodNotAllowed: { grpc: grpc.status.UNIMPLEMENTED, http: 405 },
  UnsupportedMediaType: { grpc: grpc.status.INVALID_ARGUMENT, http: 415 },
  ServiceUnavailable: { grpc: grpc.status.UNAVAILABLE, http: 503 },
  Timeout: { grpc: grpc.status.DEADLINE_EXCEEDED, http: 504 },
  InternalError: { grpc: grpc.status.INTERNAL, http: 500 },
};

const grpcToReason = new Map<grpc.status, StatusReason>([
  [grpc.status.NOT_FOUND, 'NotFound'],
  [grpc.status.ALREADY_EXISTS, 'AlreadyExists'],
  [grpc.status.ABORTED, 'Conflict'],
  [grpc.status.INVALID_ARGUMENT, 'BadRequest'],
  [grpc.status.PERMISSION_DENIED, 'Forbidden'],
  [grpc.status.UNAUTHENTICATED, 'Unauthorized'],
  [grpc.status.OUT_OF_RANGE, 'Gone'],
  [grpc.status.RESOURCE_EXHAUSTED, 'TooManyRequests'],
  [grpc.status.UNIMPLEMENTED, 'MethodNotAllowed'],
  [grpc.status.UNAVAILABLE, 'ServiceUnavailable'],
  [grpc.status.DEADLINE_EXCEEDED, 'Timeout'],
]);

interface ErrorDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** An API error: a Kubernetes-style reason and message, carried as a gRPC status. */
export class ApiError extends Error {
  constructor(
    readonly reason: StatusReason,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get grpcCode(): grpc.status {
    return reasonToGrpc[this.reason].grpc;
  }

  get httpCode(): number {
    return reasonToGrpc[this.reason].http;
  }

  toStatus(): Status {
    return {
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      details: this.details,
      code: this.httpCode,
    };
  }
}

export function isApiError(err: unknown, reason?: StatusReason): err is ApiError {
  return err instanceof ApiError && (reason === undefined || err.reason === reason);
}

export const notFound = (resource: string, name: string): ApiError =>
  new ApiError('NotFound', `${resource} "${name}" not found`, { name, kind: resource });

export const alreadyExists = (resource: string, name: string): ApiError =>
  new ApiError('AlreadyExists', `${resource} "${name}" already exists`, { name, kind: resource });

export const conflict = (resource: string, name: string, detail: string): ApiError =>
  new ApiError('Conflict', `Operation cannot be fulfilled on ${resource} "${name}": ${detail}`, { name, kind: resource });

const UID_PRECONDITION_FAILED = 'Precondition failed: UID in precondition';

/**
 * Kubernetes' Conflict for a write whose uid precondition names an object that is no longer
 * there: the name now belongs to another object.
 */
export const uidPreconditionFailed = (resource: string, name: string, wanted: string, actual: string): ApiError =>
  conflict(resource, name, `${UID_PRECONDITION_FAILED}: ${wanted}, UID in object meta: ${actual}`);

/**
 * Whether a write guarded by the object's uid failed because that object is gone: deleted, or
 * replaced by another of the same name (whose own events bring its controller back). Any other
 * Conflict (a stale resourceVersion, too many concurrent changes) is not: the write must be retried.
 */
export function isGoneOrReplaced(err: unknown): boolean {
  return isApiError(err, 'NotFound') || (isApiError(err, 'Conflict') && err.message.includes(`: ${UID_PRECONDITION_FAILED}: `));
}

export const badRequest = (message: string): ApiError => new ApiError('BadRequest', message);

export const gone = (message: string): ApiError => new ApiError('Expired', message);

/**
 * Kubernetes' "Kind "name" is invalid: ..." with one cause per field error; a kind of a named API
 * group is shown qualified by it ("ListOptions.meta.k8s.io").
 */
export function invalid(kind: string, name: string, errors: FieldError[], group?: string): ApiError {
  // Quoted as Go's %q, so a name with control characters is shown escaped, never raw.
  return new ApiError('Invalid', `${group ? `${kind}.${group}` : kind} ${goQuote(name)} is invalid: ${aggregate(errors)}`, {
    name,
    ...(group ? { group } : {}),
    kind,
    causes: errors.map((e) => ({ reason: e.type, field: e.field, message: e.errorBody() })),
  });
}

/**
 * Failed calls carry gRPC's standard rich error: a google.rpc.Status in this trailer, whose details
 * hold the Kubernetes Status (kubets.v1.Status), so any gRPC library's status helpers read it.
 */
export const STATUS_DETAILS_TRAILER = 'grpc-status-details-bin';
export const STATUS_TYPE_URL = 'type.googleapis.com/kubets.v1.Status';
const statusType = (): protobuf.Type => lookupMessage('Status');
const rpcStatusType = (): protobuf.Type => lookupType('google.rpc.Status');

interface RpcStatus {
  code?: number;
  message?: string;
  details?: { type_url?: string; value?: Buffer }[];
}

function encode(type: protobuf.Type, value: object): Buffer {
  return Buffer.from(type.encode(type.fromObject(value)).finish());
}

/** What a server handler sends for any thrown error: ApiErrors as themselves, anything else as InternalError. */
export function toServiceError(err: unknown): Partial<grpc.StatusObject> {
  const apiErr = err instanceof ApiError ? err : new ApiError('InternalError', 'Internal error occurred: ' + (err instanceof Error ? err.message : String(err)));
  // The rich status repeats the call's code and message: gRPC libraries refuse one that differs.
  const rpcStatus: RpcStatus = { code: apiErr.grpcCode, message: apiErr.message, details: [{ type_url: STATUS_TYPE_URL, value: encode(statusType(), apiErr.toStatus()) }] };
  const metadata = new grpc.Metadata();
  metadata.set(STATUS_DETAILS_TRAILER, encode(rpcStatusType(), rpcStatus));
  return { code: apiErr.grpcCode, details: apiErr.message, metadata };
}

/** The Kubernetes Status a failed call carries in its rich error details, if the apiserver sent one. */
export function statusOf(err: unknown): Status | undefined {
  const raw = (err as Partial<grpc.ServiceError>).metadata?.get(STATUS_DETAILS_TRAILER)[0];
  if (!Buffer.isBuffer(raw)) return undefined;
  let rpcStatus: RpcStatus;
  try {
    rpcStatus = rpcStatusType().toObject(rpcStatusType().decode(raw), toObjectOptions) as RpcStatus;
  } catch {
    return undefined;
  }
  const detail = rpcStatus.details?.find((d) => d.type_url === STATUS_TYPE_URL);
  if (!detail?.value) return undefined;
  return statusType().toObject(statusType().decode(detail.value), toObjectOptions) as Status;
}

/** Turns a failed call's gRPC error into an ApiError, using the Kubernetes Status when the server sent one. */
export function fromServiceError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const svcErr = err as Partial<grpc.ServiceError>;
  const st = statusOf(err);
  if (st) return new ApiError((st.reason as StatusReason) || 'InternalError', st.message ?? '', st.details ?? {});
  const oversize = svcErr.code === grpc.status.RESOURCE_EXHAUSTED ? OVERSIZE_MESSAGE.exec(svcErr.details ?? '') : null;
  if (oversize) return new ApiError('RequestEntityTooLarge', `Request entity too large: the message is ${oversize[1]} bytes, limit is ${oversize[2]}`);
  const reason = (svcErr.code !== undefined && grpcToReason.get(svcErr.code)) || 'InternalError';
  return new ApiError(reason, svcErr.details || svcErr.message || 'unknown error');
}

/**
 * grpc-js refuses a message over its size limit itself, before any handler (so without our rich
 * status), as RESOURCE_EXHAUSTED: that is a request too large, not a rate limit.
 */
const OVERSIZE_MESSAGE = /^(?:Received|Sent) message larger than max \((\d+) vs\.? (\d+)\)/;
