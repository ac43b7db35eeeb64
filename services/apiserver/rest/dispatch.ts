import { ApiError } from '../../../lib/api/errors.js';
import type { ResourceCall } from './call.js';
import { deleteCollection, deleteObject } from './verbs/delete.js';
import { bindPod } from './verbs/binding.js';
import { evictPod } from './verbs/eviction.js';
import { podLogs } from './verbs/logs.js';
import { patchObject } from './verbs/patch.js';
import { getObject, isWatch, listObjects, watchObjects } from './verbs/read.js';
import { getScale, patchScale, replaceScale } from './verbs/scale.js';
import { serviceProxy } from './verbs/service-proxy.js';
import { createToken } from './verbs/token.js';
import { createObject, replaceApproval, replaceObject } from './verbs/write.js';

// Which verb an HTTP method on a resource path means, as in Kubernetes: GET on a collection is
// list (or watch with watch=true), on a name get; POST creates; PUT replaces; PATCH patches;
// DELETE on a collection is deletecollection. A proxy subresource's verb is its method's
// (get services/proxy for GET).

type Handler = (call: ResourceCall) => Promise<void>;

/** Kubernetes' authorization verb of each handler (the subresource comes from the path). */
function verbOf(method: string, handler: Handler): string {
  if (handler === listObjects) return 'list';
  if (handler === watchObjects) return 'watch';
  if (handler === deleteCollection) return 'deletecollection';
  if (handler === createObject) return 'create';
  return ({ GET: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete', POST: 'create' } as Record<string, string>)[method] ?? method.toLowerCase();
}

function collectionVerb(method: string, call: ResourceCall): Handler | undefined {
  switch (method) {
    case 'GET':
      return isWatch(call.query) ? watchObjects : listObjects;
    case 'POST':
      return createObject;
    case 'DELETE':
      return deleteCollection;
    default:
      return undefined;
  }
}

function objectVerb(method: string, call: ResourceCall): Handler | undefined {
  switch (method) {
    case 'GET':
      return isWatch(call.query) ? watchObjects : getObject;
    case 'PUT':
      return (c) => replaceObject(c, false);
    case 'PATCH':
      return (c) => patchObject(c, false);
    case 'DELETE':
      return deleteObject;
    default:
      return undefined;
  }
}

function statusVerb(method: string): Handler | undefined {
  switch (method) {
    case 'GET':
      return getObject;
    case 'PUT':
      return (c) => replaceObject(c, true);
    case 'PATCH':
      return (c) => patchObject(c, true);
    default:
      return undefined;
  }
}

function scaleVerb(method: string): Handler | undefined {
  return ({ GET: getScale, PUT: replaceScale, PATCH: patchScale } as Record<string, Handler>)[method];
}

function subresourceVerb(method: string, call: ResourceCall): Handler | undefined {
  if (call.subresource === 'status' && call.info.hasStatus) return statusVerb(method);
  if (call.subresource === 'log' && call.info.field === 'pod') return method === 'GET' ? podLogs : undefined;
  if (call.subresource === 'scale' && call.info.hasScale) return scaleVerb(method);
  if (call.subresource === 'token' && call.info.field === 'serviceAccount') return method === 'POST' ? createToken : undefined;
  if (call.subresource === 'approval' && call.info.field === 'certificateSigningRequest') return ({ GET: getObject, PUT: replaceApproval } as Record<string, Handler>)[method];
  if (call.subresource === 'eviction' && call.info.field === 'pod') return method === 'POST' ? evictPod : undefined;
  if (call.subresource === 'binding' && call.info.field === 'pod') return method === 'POST' ? bindPod : undefined;
  const proxy = call.proxy;
  if (proxy && call.info.field === 'service') return (c) => serviceProxy(c, proxy);
  throw new ApiError('NotFound', `the server could not find the requested resource (${call.info.resource}/${call.subresource})`);
}

export async function dispatch(method: string, call: ResourceCall): Promise<void> {
  const handler = call.subresource ? subresourceVerb(method, call) : call.target.name ? objectVerb(method, call) : collectionVerb(method, call);
  if (!handler) throw new ApiError('MethodNotAllowed', `the server does not allow this method on the requested resource`);
  call.authorize(verbOf(method, handler));
  // A watch of one object is a watch of the collection narrowed to its name.
  if (handler === watchObjects && call.target.name) {
    const named = `metadata.name=${call.target.name}`;
    const fields = call.query.get('fieldSelector');
    call.query.set('fieldSelector', fields ? `${fields},${named}` : named);
    call.target = { ...call.target, name: undefined };
  }
  await handler(call);
}
