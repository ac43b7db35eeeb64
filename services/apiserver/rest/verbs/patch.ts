import { ApiError, badRequest } from '../../../../lib/api/errors.js';
import { configurationJSON, fieldValidationOf } from '../objects.js';
import { bodyType, readBody } from '../negotiation.js';
import { addWarnings, requestObject, send, type ResourceCall } from '../call.js';
import { flag, isDryRun } from '../query.js';

// PATCH of an object or its status: the patch type comes from the Content-Type, and the patch is
// applied by the same code as gRPC's Patch (lib/patch), unknown fields in the result treated as
// fieldValidation says. Server-side apply (application/apply-patch+yaml) goes to the operations'
// apply, which gRPC's Patch with patchType "apply" reaches too: field ownership in
// metadata.managedFields, conflicts between managers, force.

const PATCH_TYPES: Record<string, string> = {
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
};

export const APPLY_PATCH = 'application/apply-patch+yaml';

/** The patch type of a request's Content-Type, or an error naming the ones served. */
export function patchTypeOf(call: ResourceCall): string {
  const type = bodyType(call.req);
  const patchType = PATCH_TYPES[type];
  if (!patchType) throw new ApiError('UnsupportedMediaType', `the server does not support the patch content type "${type}": use one of ${[...Object.keys(PATCH_TYPES), APPLY_PATCH].join(', ')}`);
  return patchType;
}

export async function patchObject(call: ResourceCall, status: boolean): Promise<void> {
  if (bodyType(call.req) === APPLY_PATCH && !status) return applyObject(call);
  const patchType = patchTypeOf(call);
  const text = await readBody(call.req);
  call.admit(undefined, { type: patchType, text });
  const validation = fieldValidationOf(call.query);
  // modify may run the patch again after a conflict: only the last run's warnings are sent.
  let warnings: string[] = [];
  const onUnknownFields = (fields: string[]): void => {
    if (validation === 'Strict') throw badRequest(`strict decoding error: ${fields.join(', ')}`);
    warnings = validation === 'Warn' ? fields : [];
  };
  const patched = await call.ops.patch(call.target, patchType, text, { status, dryRun: isDryRun(call.query), onUnknownFields, view: call.info });
  addWarnings(call.res, warnings);
  send(call.res, 200, call.encoding, call.present.object(call.info, patched), call.scope);
}

async function applyObject(call: ResourceCall): Promise<void> {
  if (!call.query.get('fieldManager')) throw badRequest('PATCH, application/apply-patch+yaml requests require fieldManager to be set');
  const { object } = await requestObject(call, APPLY_PATCH);
  if (object.metadata?.name && object.metadata.name !== call.target.name) {
    throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${call.target.name ?? ''})`);
  }
  call.admit(object);
  // The decoded object, not the body: fields dropped under fieldValidation=Warn or Ignore stay out.
  const configuration = configurationJSON(call.info, object);
  const { object: applied, created } = await call.ops.apply(call.target, configuration, { force: flag(call.query, 'force'), dryRun: isDryRun(call.query), view: call.info });
  send(call.res, created ? 201 : 200, call.encoding, call.present.object(call.info, applied), call.scope);
}
