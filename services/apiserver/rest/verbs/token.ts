import { badRequest } from '../../../../lib/api/errors.js';
import type { BoundObjectReference, TokenRequest } from '../../../../lib/api/generated/index.js';
import { isObject } from '../objects.js';
import { requestBody, send, type ResourceCall } from '../call.js';
import { isDryRun } from '../query.js';

// POST serviceaccounts/<name>/token: a TokenRequest in, the same with its token out (kubectl create token).

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function tokenRequestFromBody(body: unknown): TokenRequest {
  if (!isObject(body)) throw badRequest('TokenRequest in version "v1" cannot be handled as a TokenRequest: expected an object');
  const spec = isObject(body.spec) ? body.spec : {};
  const audiences = spec.audiences ?? [];
  if (!Array.isArray(audiences) || audiences.some((a) => typeof a !== 'string')) throw badRequest('spec.audiences: Invalid value: must be a list of strings');
  const seconds = spec.expirationSeconds;
  if (seconds !== undefined && seconds !== null && (typeof seconds !== 'number' || !Number.isInteger(seconds))) {
    throw badRequest(`spec.expirationSeconds: Invalid value: ${JSON.stringify(seconds)}: must be an integer`);
  }
  let boundObjectRef: BoundObjectReference | undefined;
  if (isObject(spec.boundObjectRef)) {
    const ref = spec.boundObjectRef;
    boundObjectRef = { kind: str(ref.kind), apiVersion: str(ref.apiVersion), name: str(ref.name), uid: str(ref.uid) };
  }
  return { spec: { audiences: audiences as string[], ...(typeof seconds === 'number' && { expirationSeconds: seconds }), ...(boundObjectRef && { boundObjectRef }) } };
}

export async function createToken(call: ResourceCall): Promise<void> {
  const request = tokenRequestFromBody(await requestBody(call));
  call.admit(request);
  const created = await call.ops.createToken({ namespace: call.target.namespace ?? '', name: call.target.name ?? '', request, dryRun: isDryRun(call.query) });
  send(call.res, 201, call.encoding, created, call.scope);
}
