import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../../lib/api/generated/index.js';
import type { WatchCache } from '../watch/index.js';

/** The four RBAC kinds as the authorizer reads them, without a storage round trip. */
export interface PolicySource {
  clusterRoleBindings(): readonly ClusterRoleBinding[];
  roleBindings(namespace: string): readonly RoleBinding[];
  clusterRole(name: string): ClusterRole | undefined;
  role(namespace: string, name: string): Role | undefined;
  /**
   * A number that changes whenever any of the four kinds may have changed: what was derived from
   * the policy under one generation (the rules bound to a user) holds until it changes.
   */
  generation(): number;
}

const everything = (namespace: string) => ({ namespace, label: undefined, fields: [] });

/** Reads the apiserver's watch caches, which every write reaches within one etcd watch event. */
export function watchCachePolicy(caches: ReadonlyMap<string, WatchCache>): PolicySource {
  const cache = (resource: string): WatchCache => {
    const found = caches.get(resource);
    if (!found) throw new Error(`no watch cache for ${resource}`);
    return found;
  };
  const clusterRoleBindings = cache('clusterrolebindings');
  const roleBindings = cache('rolebindings');
  const clusterRoles = cache('clusterroles');
  const roles = cache('roles');
  // A cache's revision moves with every change it applies (and with etcd's progress notices, which
  // only cost a recomputation); the generation moves when any of the four does.
  const sources = [clusterRoleBindings, roleBindings, clusterRoles, roles];
  const seen = sources.map(() => -1);
  let generation = 0;
  return {
    clusterRoleBindings: () => clusterRoleBindings.list(everything('')).items as ClusterRoleBinding[],
    roleBindings: (namespace) => (namespace ? (roleBindings.list(everything(namespace)).items as RoleBinding[]) : []),
    clusterRole: (name) => clusterRoles.get('', name) as ClusterRole | undefined,
    role: (namespace, name) => roles.get(namespace, name) as Role | undefined,
    generation() {
      let changed = false;
      sources.forEach((source, i) => {
        if (source.revision !== seen[i]) {
          seen[i] = source.revision;
          changed = true;
        }
      });
      if (changed) generation++;
      return generation;
    },
  };
}
