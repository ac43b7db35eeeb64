import { badRequest } from '../../../../lib/api/errors.js';
import { deleteOptions, isObject } from '../objects.js';
import { requestBody, send, type ResourceCall } from '../call.js';

// POST pods/<name>/eviction: a policy/v1 Eviction (kubectl drain), the pod's graceful delete with
// the eviction's deleteOptions, answered with a Success Status as Kubernetes does.

export async function evictPod(call: ResourceCall): Promise<void> {
  const body = await requestBody(call);
  if (!isObject(body)) throw badRequest('Eviction in version "v1" cannot be handled as a Eviction: expected an object');
  const meta = isObject(body.metadata) ? body.metadata : {};
  if (meta.name !== undefined && meta.name !== call.target.name) {
    throw badRequest(`name in URL does not match name in Eviction object`);
  }
  call.admit(undefined);
  const status = await call.ops.evict({ namespace: call.target.namespace, name: call.target.name, deleteOptions: deleteOptions(body.deleteOptions, call.query) }, call.scope);
  send(call.res, 201, call.encoding, { apiVersion: 'v1', kind: 'Status', metadata: {}, ...status }, call.scope);
}
