import type { ClusterRoleBinding, RoleBinding, Subject } from '../../../lib/api/generated/index.js';
import { RBAC_GROUP } from '../../../lib/api/resources.js';

/** Kubernetes' SetDefaults_Subject: users and groups are RBAC's own, service accounts core's. */
function defaultSubject(subject: Subject): void {
  if (subject.apiGroup) return;
  if (subject.kind === 'User' || subject.kind === 'Group') subject.apiGroup = RBAC_GROUP;
}

/** SetDefaults_RoleBinding and SetDefaults_ClusterRoleBinding: the role reference names RBAC's group. */
export function defaultBinding(binding: RoleBinding | ClusterRoleBinding): void {
  binding.roleRef ??= {};
  binding.roleRef.apiGroup ||= RBAC_GROUP;
  for (const subject of binding.subjects ?? []) defaultSubject(subject);
}
