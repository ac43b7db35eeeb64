import { badRequest } from '../../../lib/api/errors.js';
import { resourceAttributes, SYSTEM_AUTHENTICATED, type Attributes, type UserInfo } from './attributes.js';

/** gRPC metadata keys (HTTP's Impersonate-User and Impersonate-Group, lower-cased). */
export const IMPERSONATE_USER = 'impersonate-user';
export const IMPERSONATE_GROUP = 'impersonate-group';

const SERVICE_ACCOUNT = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** The check that lets `user` act as the named user: `impersonate` on users, or on the service account itself. */
function userCheck(user: UserInfo, name: string): Attributes {
  const sa = SERVICE_ACCOUNT.exec(name);
  if (sa) return resourceAttributes(user, 'impersonate', { apiGroup: '', resource: 'serviceaccounts', namespace: sa[1]!, name: sa[2]! });
  return resourceAttributes(user, 'impersonate', { apiGroup: '', resource: 'users', name });
}

/**
 * Kubernetes' impersonation: a caller allowed the `impersonate` verb on users (and on each group)
 * acts as another user for one request. The result is what the request is then authorized as; it
 * is authenticated, so it carries system:authenticated. `authorize` throws Forbidden.
 */
export function impersonate(
  user: UserInfo,
  header: (name: string) => string[],
  authorize: (attrs: Attributes) => void,
): UserInfo {
  const names = header(IMPERSONATE_USER);
  const groups = header(IMPERSONATE_GROUP);
  if (names.length === 0) {
    if (groups.length > 0) throw badRequest(`requested groups ${JSON.stringify(groups)} without impersonating a user`);
    return user;
  }
  if (names.length > 1) throw badRequest(`only one user may be impersonated, got ${JSON.stringify(names)}`);
  const name = names[0]!;
  if (!name) throw badRequest('impersonate-user: Required value');
  authorize(userCheck(user, name));
  for (const group of groups) authorize(resourceAttributes(user, 'impersonate', { apiGroup: '', resource: 'groups', name: group }));
  // A service account comes with its own groups unless the caller named some.
  const sa = SERVICE_ACCOUNT.exec(name);
  const asked = groups.length === 0 && sa ? ['system:serviceaccounts', `system:serviceaccounts:${sa[1]!}`] : groups;
  return { name, groups: asked.includes(SYSTEM_AUTHENTICATED) ? asked : [...asked, SYSTEM_AUTHENTICATED] };
}
