import { ApiError } from '../../../lib/api/errors.js';
import type { Attributes } from './attributes.js';

/** What the user may not do, in kube-apiserver's words (`User "jane" cannot list resource "pods" ...`). */
function deniedAction(attrs: Attributes): string {
  const user = JSON.stringify(attrs.user.name);
  if (!attrs.resourceRequest) return `User ${user} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const scope = attrs.namespace ? `in the namespace ${JSON.stringify(attrs.namespace)}` : 'at the cluster scope';
  return `User ${user} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup)} ${scope}`;
}

/**
 * Kubernetes' Forbidden status for a denied request: `pods "web" is forbidden: User ...`, the
 * resource qualified by its group (`deployments.apps`), and the authorizer's reason after a colon.
 */
export function forbidden(attrs: Attributes, reason: string): ApiError {
  const qualified = attrs.apiGroup ? `${attrs.resource}.${attrs.apiGroup}` : attrs.resource;
  const subject = !attrs.resourceRequest ? '' : attrs.name ? `${qualified} ${JSON.stringify(attrs.name)} is ` : `${qualified} is `;
  const message = `${subject}forbidden: ${deniedAction(attrs)}${reason ? `: ${reason}` : ''}`;
  return new ApiError('Forbidden', message, { name: attrs.name, group: attrs.apiGroup, kind: attrs.resource });
}
