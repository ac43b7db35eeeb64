import { badRequest } from '../../../../lib/api/errors.js';
import type * as t from '../../../../lib/api/generated/index.js';
import { patchDocument } from '../../../../lib/patch/apply-patch.js';
import { isObject } from '../objects.js';
import { readBody } from '../negotiation.js';
import { requestBody, send, type ResourceCall } from '../call.js';
import { patchTypeOf } from './patch.js';

// The scale subresource (autoscaling/v1 Scale) of the kinds that have one: read it, replace it,
// or patch it (kubectl scale sends a merge patch of spec.replicas).

/** The parts of a Scale body the server acts on: the wanted replicas and an optional resourceVersion. */
function scaleFromBody(body: unknown): t.Scale {
  if (!isObject(body)) throw badRequest('Scale in version "v1" cannot be handled as a Scale: expected an object');
  const spec = isObject(body.spec) ? body.spec : {};
  const metadata = isObject(body.metadata) ? body.metadata : {};
  const replicas = spec.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas)) throw badRequest(`spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be an integer`);
  const resourceVersion = typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : undefined;
  return { metadata: { resourceVersion }, spec: { replicas } };
}

export async function getScale(call: ResourceCall): Promise<void> {
  send(call.res, 200, call.encoding, await call.ops.getScale(call.target), call.scope);
}

export async function replaceScale(call: ResourceCall): Promise<void> {
  const scale = scaleFromBody(await requestBody(call));
  call.admit(scale);
  send(call.res, 200, call.encoding, await call.ops.updateScale(call.target, scale), call.scope);
}

export async function patchScale(call: ResourceCall): Promise<void> {
  const patchType = patchTypeOf(call);
  const text = await readBody(call.req);
  const current = await call.ops.getScale(call.target);
  const wanted = scaleFromBody(patchDocument(current as Record<string, unknown>, patchType, text));
  // The read and the write are not one transaction: the version read is only a precondition when the patch set it.
  if (wanted.metadata?.resourceVersion === current.metadata?.resourceVersion) wanted.metadata = {};
  call.admit(wanted);
  send(call.res, 200, call.encoding, await call.ops.updateScale(call.target, wanted), call.scope);
}
