import { describe, expect, it } from 'vitest';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../../lib/api/generated/index.js';
import { defaultBinding } from '../defaults/rbac.js';
import { validateClusterRole, validateClusterRoleBinding, validateRole, validateRoleBinding, validateRoleBindingUpdate } from './rbac.js';

const messages = (errs: { message: string }[]): string[] => errs.map((e) => e.message);
const RBAC = 'rbac.authorization.k8s.io';

describe('RBAC validation', () => {
  it('accepts names with colons and refuses slashes', () => {
    expect(validateClusterRole({ metadata: { name: 'system:node' } })).toEqual([]);
    expect(messages(validateClusterRole({ metadata: { name: 'a/b' } }))).toEqual(["metadata.name: Invalid value: \"a/b\": may not contain '/'"]);
  });

  it('names the rule field that is wrong', () => {
    const role: Role = { metadata: { name: 'r', namespace: 'dev' }, rules: [{ apiGroups: [''], resources: ['pods'] }, { verbs: ['get'], nonResourceURLs: ['/healthz'] }] };
    expect(messages(validateRole(role))).toEqual([
      'rules[0].verbs: Required value: verbs must contain at least one value',
      'rules[1].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs',
    ]);
    const cr: ClusterRole = { metadata: { name: 'c' }, rules: [{ verbs: ['get'] }], aggregationRule: { clusterRoleSelectors: [] } };
    expect(messages(validateClusterRole(cr))).toEqual([
      'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
      'rules[0].resources: Required value: resource rules must supply at least one resource',
      'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
    ]);
  });

  it('checks subjects and the role reference of bindings', () => {
    const rb: RoleBinding = {
      metadata: { name: 'b', namespace: 'dev' },
      roleRef: { kind: 'Secret', name: 'x' },
      subjects: [{ kind: 'User', name: 'jane' }, { kind: 'Robot', name: 'r2' }, { kind: 'ServiceAccount', name: '' }],
    };
    defaultBinding(rb);
    expect(rb.subjects?.[0]?.apiGroup).toBe(RBAC);
    expect(messages(validateRoleBinding(rb))).toEqual([
      'roleRef.kind: Unsupported value: "Secret": supported values: "Role", "ClusterRole"',
      'subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
      'subjects[2].name: Required value',
    ]);
    const crb: ClusterRoleBinding = { metadata: { name: 'b' }, roleRef: { apiGroup: RBAC, kind: 'Role', name: 'x' }, subjects: [{ kind: 'ServiceAccount', name: 'default' }] };
    expect(messages(validateClusterRoleBinding(crb))).toEqual([
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
      'subjects[0].namespace: Required value',
    ]);
  });

  it('refuses a changed roleRef', () => {
    const old: RoleBinding = { metadata: { name: 'b', namespace: 'dev' }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'view' } };
    const next: RoleBinding = { ...old, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'edit' } };
    expect(messages(validateRoleBindingUpdate(next, old))[0]).toMatch(/^roleRef: Invalid value: .*: cannot change roleRef$/);
    expect(validateRoleBindingUpdate(old, old)).toEqual([]);
  });
});
