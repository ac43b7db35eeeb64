import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../../lib/api/generated/index.js';
import { defaultBinding } from '../defaults/rbac.js';
import {
  validateClusterRole,
  validateClusterRoleBinding,
  validateClusterRoleBindingUpdate,
  validateClusterRoleUpdate,
  validateRole,
  validateRoleBinding,
  validateRoleBindingUpdate,
  validateRoleUpdate,
} from '../validation/rbac.js';
import type { KindStrategy } from './types.js';

export const roleStrategy: KindStrategy<Role> = {
  validateCreate: validateRole,
  validateUpdate: validateRoleUpdate,
  tracksGeneration: false,
};

export const clusterRoleStrategy: KindStrategy<ClusterRole> = {
  validateCreate: validateClusterRole,
  validateUpdate: validateClusterRoleUpdate,
  tracksGeneration: false,
};

export const roleBindingStrategy: KindStrategy<RoleBinding> = {
  defaults: defaultBinding,
  validateCreate: validateRoleBinding,
  validateUpdate: validateRoleBindingUpdate,
  tracksGeneration: false,
};

export const clusterRoleBindingStrategy: KindStrategy<ClusterRoleBinding> = {
  defaults: defaultBinding,
  validateCreate: validateClusterRoleBinding,
  validateUpdate: validateClusterRoleBindingUpdate,
  tracksGeneration: false,
};
