import { badRequest } from '../../../../lib/api/errors.js';
import { requestObject, send, type ResourceCall } from '../call.js';
import { isDryRun } from '../query.js';

// POST (create) and PUT (replace) of a whole object, and PUT of its status subresource.

export async function createObject(call: ResourceCall): Promise<void> {
  const { object } = await requestObject(call);
  call.admit(object);
  const created = await call.ops.create(call.target, object, isDryRun(call.query));
  send(call.res, 201, call.encoding, call.present.object(call.info, created), call.scope);
}

export async function replaceObject(call: ResourceCall, status: boolean): Promise<void> {
  await replace(call, status ? 'status' : 'main');
}

/** PUT of a CertificateSigningRequest's approval subresource (kubectl certificate approve|deny). */
export async function replaceApproval(call: ResourceCall): Promise<void> {
  await replace(call, 'approval');
}

async function replace(call: ResourceCall, part: 'main' | 'status' | 'approval'): Promise<void> {
  const { object } = await requestObject(call);
  const name = object.metadata?.name;
  if (name !== call.target.name) throw badRequest(`the name of the object (${name ?? ''}) does not match the name on the URL (${call.target.name ?? ''})`);
  const dryRun = isDryRun(call.query);
  call.admit(object);
  const updated = part === 'main' ? await call.ops.update(call.target, object, dryRun) : await call.ops.updateStatus(call.target, object, dryRun, part);
  send(call.res, 200, call.encoding, call.present.object(call.info, updated), call.scope);
}
