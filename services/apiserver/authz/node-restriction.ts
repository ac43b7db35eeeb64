import { ApiError } from '../../../lib/api/errors.js';
import type { Pod, TokenRequest } from '../../../lib/api/generated/index.js';
import type { AnyObject } from '../../../lib/api/resources.js';
import type { Attributes } from './attributes.js';
import { podReferences, type NodeGraph } from './node-graph.js';
import { nodeNameOf } from './node-identity.js';

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** Kubernetes' Forbidden of an admission plugin: `<resource> "<name>" is forbidden: <message>`. */
export function refuse(attrs: Attributes, name: string, message: string): ApiError {
  const resource = attrs.apiGroup ? `${attrs.resource}.${attrs.apiGroup}` : attrs.resource;
  return new ApiError('Forbidden', `${resource} ${JSON.stringify(name)} is forbidden: ${message}`, { name, group: attrs.apiGroup, kind: attrs.resource });
}

function checkMirrorPod(node: string, attrs: Attributes, pod: Pod, name: string): void {
  if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] === undefined) {
    throw refuse(attrs, name, `pod does not have "${MIRROR_ANNOTATION}" annotation, node "${node}" can only create mirror pods`);
  }
  if (pod.spec?.nodeName !== node) throw refuse(attrs, name, `node "${node}" can only create pods with spec.nodeName set to itself`);
  if (pod.spec?.serviceAccountName) throw refuse(attrs, name, `node "${node}" can not create pods that reference a service account`);
  if (podReferences(pod).size > 0) throw refuse(attrs, name, `node "${node}" can not create pods that reference secrets, configmaps or persistentvolumeclaims`);
}

/** A kubelet's token must be bound to a pod on its node, so that it dies with the pod. */
function checkTokenRequest(node: string, attrs: Attributes, graph: NodeGraph, request: TokenRequest, name: string): void {
  const ref = request.spec?.boundObjectRef;
  if (ref?.kind !== 'Pod' || !ref.name) throw refuse(attrs, name, `node requested token not bound to a pod`);
  if (graph.nodeOf(attrs.namespace, ref.name) !== node) throw refuse(attrs, name, `node requested token bound to a pod scheduled on a different node`);
}

/**
 * Kubernetes' NodeRestriction admission: what a kubelet's identity writes must be about its own
 * node. It creates only mirror pods bound to itself, changes only the status of (and deletes only)
 * pods bound to it, and touches only its own Node and its own Lease. Others are not restricted here.
 *
 * `object` is what a create or update carries (a create's name is only there).
 */
export function admitNodeWrite(attrs: Attributes, graph: NodeGraph, object?: AnyObject | TokenRequest): void {
  const node = nodeNameOf(attrs.user);
  if (node === undefined || !attrs.resourceRequest || !WRITE_VERBS.has(attrs.verb) || attrs.apiGroup === 'events.k8s.io') return;
  const name = attrs.name || object?.metadata?.name || '';
  if (attrs.apiGroup === '' && attrs.resource === 'serviceaccounts' && attrs.subresource === 'token') {
    return checkTokenRequest(node, attrs, graph, (object ?? {}) as TokenRequest, name);
  }
  if (attrs.apiGroup === '' && attrs.resource === 'pods') {
    if (attrs.verb === 'create' && !attrs.subresource) return checkMirrorPod(node, attrs, (object ?? {}) as Pod, name);
    if (graph.nodeOf(attrs.namespace, name) !== node) {
      const action = attrs.subresource === 'status' ? 'update pod status for' : attrs.verb === 'delete' ? 'delete' : `${attrs.verb} ${attrs.subresource || 'pods'} of`;
      throw refuse(attrs, name, `node "${node}" can only ${action} pods with spec.nodeName set to itself`);
    }
    return;
  }
  if (attrs.apiGroup === '' && attrs.resource === 'nodes' && name !== node) {
    throw refuse(attrs, name, `node "${node}" is not allowed to modify node "${name}"`);
  }
  if (attrs.apiGroup === 'coordination.k8s.io' && attrs.resource === 'leases' && (attrs.namespace !== NODE_LEASE_NAMESPACE || name !== node)) {
    throw refuse(attrs, name, 'can only access node lease with the same name as the requesting node');
  }
}
