import { ApiError } from '../../../lib/api/errors.js';
import { DecodeError } from '../../../lib/api/json.js';
import { storageUnavailable } from '../storage/unavailable.js';

// Every failure leaves the HTTP API as Kubernetes' metav1.Status with the matching HTTP code, so
// kubectl and client libraries print their usual messages (`Error from server (NotFound): ...`).

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: object;
  code: number;
}

/** The ApiError a thrown value stands for; undefined when it is a bug (then logged and sent as InternalError). */
export function apiErrorOf(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof DecodeError) return new ApiError('BadRequest', err.message);
  return storageUnavailable(err);
}

export function statusOf(err: ApiError): StatusBody {
  const details = Object.fromEntries(Object.entries(err.details).filter(([, v]) => v !== undefined && v !== ''));
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: err.message,
    reason: err.reason,
    ...(Object.keys(details).length > 0 ? { details } : {}),
    code: err.httpCode,
  };
}

export function internalError(err: unknown): ApiError {
  return new ApiError('InternalError', `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`);
}
