import { ApiError, badRequest, conflict, invalid } from '../../../lib/api/errors.js';
import type { Pod, ServiceAccount, TokenRequest } from '../../../lib/api/generated/index.js';
import { resourceByField } from '../../../lib/api/resources.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError } from '../../../lib/validation/field-errors.js';
import { rfc3339 } from '../registry/object-meta.js';
import type { Registry } from '../registry/registry.js';
import type { ServiceAccountTokens } from './tokens.js';

// The serviceaccounts/token subresource (create only): Kubernetes' TokenRequest REST. The token is
// never stored; the request comes back with status.token and status.expirationTimestamp.

const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;
export const TOKEN_REQUEST_API_VERSION = 'authentication.k8s.io/v1';

export function validateTokenRequest(request: TokenRequest): FieldError[] {
  const errs: FieldError[] = [];
  const seconds = Number(request.spec?.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS);
  const path = field.root('spec', 'expirationSeconds');
  if (seconds < MIN_EXPIRATION_SECONDS) errs.push(field.invalid(path, seconds, 'may not specify a duration less than 10 minutes'));
  if (seconds > MAX_EXPIRATION_SECONDS) errs.push(field.invalid(path, seconds, 'may not specify a duration larger than 2^32 seconds'));
  return errs;
}

export interface CreateTokenParams {
  namespace: string;
  /** The ServiceAccount's name. */
  name: string;
  request: TokenRequest;
  dryRun?: boolean;
}

/** The pod a token is bound to, checked as Kubernetes does: same uid as asked, same ServiceAccount. */
async function boundPod(registry: Registry, sa: ServiceAccount, request: TokenRequest): Promise<Pod | undefined> {
  const ref = request.spec?.boundObjectRef;
  if (!ref) return undefined;
  if (ref.kind !== 'Pod') throw badRequest(`cannot bind token against objects of kind "${ref.kind ?? ''}": only Pod is supported`);
  const pod = (await registry.get(resourceByField('pod'), sa.metadata?.namespace ?? '', ref.name ?? '')) as Pod;
  if (ref.uid && ref.uid !== pod.metadata?.uid) {
    throw conflict('pods', ref.name ?? '', `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  }
  if ((pod.spec?.serviceAccountName || 'default') !== sa.metadata?.name) {
    throw badRequest(`cannot bind token for serviceaccount "${sa.metadata?.name ?? ''}" to pod running with different serviceaccount name.`);
  }
  return pod;
}

export async function createServiceAccountToken(registry: Registry, tokens: ServiceAccountTokens | undefined, params: CreateTokenParams): Promise<TokenRequest> {
  if (!tokens) throw new ApiError('NotFound', 'the server could not find the requested resource (serviceaccounts/token): no ServiceAccount signing key is configured');
  const errs = validateTokenRequest(params.request);
  if (errs.length > 0) throw invalid('TokenRequest', params.name, errs);
  const sa = (await registry.get(resourceByField('serviceAccount'), params.namespace, params.name)) as ServiceAccount;
  const pod = await boundPod(registry, sa, params.request);
  const spec = params.request.spec ?? {};
  const audiences = spec.audiences?.length ? spec.audiences : [...tokens.apiAudiences];
  const expirationSeconds = Number(spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS);
  const boundObjectRef = spec.boundObjectRef && pod ? { ...spec.boundObjectRef, apiVersion: 'v1', uid: pod.metadata?.uid } : undefined;
  const response: TokenRequest = {
    apiVersion: TOKEN_REQUEST_API_VERSION,
    kind: 'TokenRequest',
    metadata: { name: params.name, namespace: params.namespace, creationTimestamp: rfc3339() },
    spec: { audiences, expirationSeconds, ...(boundObjectRef && { boundObjectRef }) },
  };
  if (params.dryRun) return { ...response, status: { token: '', expirationTimestamp: '' } };
  const issued = tokens.issue(sa, { audiences, expirationSeconds, pod });
  return { ...response, status: { token: issued.token, expirationTimestamp: rfc3339(new Date(issued.expiresAt * 1000)) } };
}
