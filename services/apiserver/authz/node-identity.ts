import { NODE_USER_PREFIX, SYSTEM_NODES, type UserInfo } from './attributes.js';

/** The node a kubelet's identity stands for (`system:node:<name>` in `system:nodes`), or undefined for anyone else. */
export function nodeNameOf(user: UserInfo): string | undefined {
  if (!user.groups.includes(SYSTEM_NODES) || !user.name.startsWith(NODE_USER_PREFIX)) return undefined;
  const name = user.name.slice(NODE_USER_PREFIX.length);
  return name || undefined;
}
