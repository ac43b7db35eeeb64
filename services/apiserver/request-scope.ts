import type { AnyObject } from '../../lib/api/resources.js';
import type { Attributes } from './authz/attributes.js';

/**
 * What one API request gathers on its way through the apiserver besides its answer: the user it
 * acts as (admission exemptions name users), the warnings the client gets (Kubernetes' Warning
 * headers) and the annotations of its audit event. The transports make one per call and pass it
 * along explicitly (in the operations' Target, the registry's write options, the admission hooks'
 * last argument): an AsyncLocalStorage would do it implicitly, but its promise hooks cost every
 * promise of the process a few per cent of the apiserver's CPU. Outside a request (the
 * apiserver's own bootstrap writes) there is no scope and additions go nowhere.
 */
export interface RequestScope {
  user?: { name: string; uid?: string; groups: readonly string[] };
  /** In the order added, each once (a write retried after a conflict admits again). */
  warnings: Set<string>;
  annotations: Record<string, string>;
  /** What the request was authorized as (the audit policy matches on it). */
  attributes?: Attributes;
  /** The object a write carried and the one it answered with, for audit levels Request and RequestResponse. */
  requestObject?: AnyObject;
  responseObject?: AnyObject;
  /** Who owns the fields the request's write sets (metadata.managedFields): its fieldManager or user agent. */
  fieldManager?: string;
}

export function newRequestScope(): RequestScope {
  return { warnings: new Set(), annotations: {} };
}

export function addWarning(scope: RequestScope | undefined, message: string): void {
  scope?.warnings.add(message);
}

export function addAuditAnnotation(scope: RequestScope | undefined, key: string, value: string): void {
  if (scope) scope.annotations[key] = value;
}

/** The authorizer's verdict on the request, as Kubernetes annotates its audit event. */
export function noteAuthorization(scope: RequestScope | undefined, attributes: Attributes, allowed: boolean, reason: string): void {
  if (!scope) return;
  scope.attributes = attributes;
  scope.annotations['authorization.k8s.io/decision'] = allowed ? 'allow' : 'forbid';
  if (reason) scope.annotations['authorization.k8s.io/reason'] = reason;
}

export function noteObjects(scope: RequestScope | undefined, request: AnyObject | undefined, response: AnyObject | undefined): void {
  if (!scope) return;
  scope.requestObject = request;
  scope.responseObject = response;
}
