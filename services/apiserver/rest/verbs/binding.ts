import { badRequest } from '../../../../lib/api/errors.js';
import type { Binding } from '../../../../lib/api/generated/index.js';
import { isObject } from '../objects.js';
import { requestBody, send, type ResourceCall } from '../call.js';

// POST pods/<name>/binding: a v1 Binding (what a scheduler sends) assigns the pod to its target
// node, the same operation as the gRPC Bind, answered with a Success Status as Kubernetes does.

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export async function bindPod(call: ResourceCall): Promise<void> {
  const body = await requestBody(call);
  if (!isObject(body)) throw badRequest('Binding in version "v1" cannot be handled as a Binding: expected an object');
  const meta = isObject(body.metadata) ? body.metadata : {};
  const target = isObject(body.target) ? body.target : {};
  if (meta.name !== undefined && meta.name !== call.target.name) throw badRequest('name in URL does not match name in Binding object');
  const binding: Binding = {
    metadata: { name: call.target.name, namespace: call.target.namespace, uid: text(meta.uid) },
    target: { kind: text(target.kind), name: text(target.name) },
  };
  call.admit(undefined);
  const status = await call.ops.bind({ namespace: call.target.namespace, binding });
  send(call.res, 201, call.encoding, { apiVersion: 'v1', kind: 'Status', metadata: {}, ...status }, call.scope);
}
