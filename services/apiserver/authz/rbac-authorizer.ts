import type { PolicyRule, RoleRef, Subject } from '../../../lib/api/generated/index.js';
import type { Attributes, UserInfo } from './attributes.js';
import { ALLOW, noOpinion, type Authorizer, type Decision } from './decision.js';
import type { PolicySource } from './policy-source.js';
import { rulesAllow } from './rules.js';

const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

/** Whether a binding's subject is this user: by name, by one of its groups, or as its service account. */
export function subjectMatches(subject: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.name;
    case 'Group':
      return user.groups.includes(subject.name ?? '');
    case 'ServiceAccount':
      return user.name === `${SERVICE_ACCOUNT_PREFIX}${subject.namespace || bindingNamespace}:${subject.name ?? ''}`;
    default:
      return false;
  }
}

/**
 * Kubernetes' RBAC authorizer: a request is allowed when some rule granted to the user allows it.
 * Rules only ever add (there are no deny rules): ClusterRoleBindings grant everywhere, RoleBindings
 * in their own namespace. Anything not granted gets no opinion, and so is denied at the end.
 */
export class RbacAuthorizer implements Authorizer {
  constructor(private readonly policy: PolicySource) {}

  authorize(attrs: Attributes): Decision {
    let allowed = false;
    this.visitRules(attrs.user, attrs.namespace, (rules) => (allowed = rulesAllow(attrs, rules)));
    return allowed ? ALLOW : noOpinion('');
  }

  /** Every rule that applies to the user in the namespace ('' for cluster-wide rules only), for a rules review. */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[] {
    const all: PolicyRule[] = [];
    this.visitRules(user, namespace, (rules) => {
      all.push(...rules);
      return false;
    });
    return all;
  }

  /** Calls visit with the rules of each role bound to the user until it returns true. */
  private visitRules(user: UserInfo, namespace: string, visit: (rules: readonly PolicyRule[]) => boolean): void {
    for (const binding of this.policy.clusterRoleBindings()) {
      if (!(binding.subjects ?? []).some((s) => subjectMatches(s, user, ''))) continue;
      if (visit(this.rulesOf(binding.roleRef, ''))) return;
    }
    if (!namespace) return;
    for (const binding of this.policy.roleBindings(namespace)) {
      if (!(binding.subjects ?? []).some((s) => subjectMatches(s, user, namespace))) continue;
      if (visit(this.rulesOf(binding.roleRef, namespace))) return;
    }
  }

  /** A binding to a role that does not exist grants nothing (it may be created later). */
  rulesOf(ref: RoleRef | undefined, namespace: string): readonly PolicyRule[] {
    if (ref?.kind === 'ClusterRole') return this.policy.clusterRole(ref.name ?? '')?.rules ?? [];
    if (ref?.kind === 'Role' && namespace) return this.policy.role(namespace, ref.name ?? '')?.rules ?? [];
    return [];
  }
}
