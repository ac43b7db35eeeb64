import { describe, expect, it } from 'vitest';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../../lib/api/generated/index.js';
import type { WatchCache } from '../watch/index.js';
import { resourceAttributes, type UserInfo } from './attributes.js';
import { watchCachePolicy, type PolicySource } from './policy-source.js';
import { RbacAuthorizer } from './rbac-authorizer.js';

/** A policy in memory that counts how often the bindings are walked; `changed()` moves its generation as a watch cache's change would. */
function memoryPolicy() {
  const state = {
    clusterRoleBindings: [] as ClusterRoleBinding[],
    roleBindings: [] as RoleBinding[],
    clusterRoles: new Map<string, ClusterRole>([['pod-reader', { metadata: { name: 'pod-reader' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] }]]),
    roles: new Map<string, Role>(),
    walks: 0,
    generation: 0,
  };
  const policy: PolicySource = {
    clusterRoleBindings: () => {
      state.walks++;
      return state.clusterRoleBindings;
    },
    roleBindings: (namespace) => state.roleBindings.filter((b) => b.metadata?.namespace === namespace),
    clusterRole: (name) => state.clusterRoles.get(name),
    role: (namespace, name) => state.roles.get(`${namespace}/${name}`),
    generation: () => state.generation,
  };
  return { state, policy, changed: () => state.generation++ };
}

const jane: UserInfo = { name: 'jane', groups: ['system:authenticated'] };
const getPod = (user: UserInfo, namespace = 'dev') => resourceAttributes(user, 'get', { apiGroup: '', resource: 'pods', namespace, name: `p-${Math.random()}` });
const readerBinding = (namespace: string): RoleBinding => ({
  metadata: { name: 'read', namespace },
  subjects: [{ kind: 'User', name: 'jane' }],
  roleRef: { kind: 'ClusterRole', name: 'pod-reader', apiGroup: 'rbac.authorization.k8s.io' },
});

describe('RbacAuthorizer', () => {
  it("finds a user's bound rules once per namespace while the policy is unchanged", () => {
    const { state, policy } = memoryPolicy();
    state.roleBindings.push(readerBinding('dev'));
    const rbac = new RbacAuthorizer(policy);
    for (let i = 0; i < 5; i++) expect(rbac.authorize(getPod(jane)).verdict).toBe('allow');
    expect(state.walks).toBe(1);
    expect(rbac.authorize(getPod(jane, 'prod')).verdict).toBe('noOpinion');
    expect(rbac.authorize(getPod({ name: 'joe', groups: [] })).verdict).toBe('noOpinion');
    expect(state.walks).toBe(3);
  });

  it('sees a deleted binding, a new one and a changed role as soon as the policy changes', () => {
    const { state, policy, changed } = memoryPolicy();
    state.roleBindings.push(readerBinding('dev'));
    const rbac = new RbacAuthorizer(policy);
    expect(rbac.authorize(getPod(jane)).verdict).toBe('allow');
    state.roleBindings = [];
    changed();
    expect(rbac.authorize(getPod(jane)).verdict).toBe('noOpinion');
    state.clusterRoleBindings.push({ metadata: { name: 'all' }, subjects: [{ kind: 'Group', name: 'system:authenticated' }], roleRef: { kind: 'ClusterRole', name: 'pod-reader' } });
    changed();
    expect(rbac.authorize(getPod(jane)).verdict).toBe('allow');
    state.clusterRoles.set('pod-reader', { metadata: { name: 'pod-reader' }, rules: [] });
    changed();
    expect(rbac.authorize(getPod(jane)).verdict).toBe('noOpinion');
  });

  it('keeps users apart by their groups', () => {
    const { state, policy } = memoryPolicy();
    state.clusterRoleBindings.push({ metadata: { name: 'ops' }, subjects: [{ kind: 'Group', name: 'ops' }], roleRef: { kind: 'ClusterRole', name: 'pod-reader' } });
    const rbac = new RbacAuthorizer(policy);
    expect(rbac.authorize(getPod(jane)).verdict).toBe('noOpinion');
    expect(rbac.authorize(getPod({ name: 'jane', groups: ['ops'] })).verdict).toBe('allow');
    expect(rbac.rulesFor({ name: 'jane', groups: ['ops'] }, 'dev')).toEqual([{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]);
  });
});

describe('watchCachePolicy', () => {
  it('moves its generation when any RBAC cache applies a change, and only then', () => {
    const revisions: Record<string, number> = { clusterrolebindings: 5, rolebindings: 5, clusterroles: 5, roles: 5 };
    const caches = new Map(Object.keys(revisions).map((resource) => [resource, { get revision() { return revisions[resource]!; } } as unknown as WatchCache]));
    const policy = watchCachePolicy(caches);
    const first = policy.generation();
    expect(policy.generation()).toBe(first);
    for (const resource of Object.keys(revisions)) {
      const before = policy.generation();
      revisions[resource]!++;
      expect(policy.generation()).not.toBe(before);
    }
  });
});
