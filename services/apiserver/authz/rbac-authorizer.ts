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
 * Users and namespaces whose bound rules are kept at once. Every call of a user in a namespace
 * needs the same rules, and finding them walks every ClusterRoleBinding and the namespace's
 * RoleBindings; the kept rules are dropped as soon as the policy's generation moves, so a change
 * to any role or binding counts from the moment the watch cache has it, as without them.
 */
const MAX_CACHED_RULE_SETS = 4096;

/**
 * Kubernetes' RBAC authorizer: a request is allowed when some rule granted to the user allows it.
 * Rules only ever add (there are no deny rules): ClusterRoleBindings grant everywhere, RoleBindings
 * in their own namespace. Anything not granted gets no opinion, and so is denied at the end.
 */
export class RbacAuthorizer implements Authorizer {
  readonly #bound = new Map<string, readonly (readonly PolicyRule[])[]>();
  #generation = -1;

  constructor(private readonly policy: PolicySource) {}

  authorize(attrs: Attributes): Decision {
    return this.boundRules(attrs.user, attrs.namespace).some((rules) => rulesAllow(attrs, rules)) ? ALLOW : noOpinion('');
  }

  /** Every rule that applies to the user in the namespace ('' for cluster-wide rules only), for a rules review. */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[] {
    return this.boundRules(user, namespace).flat();
  }

  /** The rules of each role bound to the user: cluster-wide, then in the namespace. */
  private boundRules(user: UserInfo, namespace: string): readonly (readonly PolicyRule[])[] {
    const generation = this.policy.generation();
    if (generation !== this.#generation) {
      this.#bound.clear();
      this.#generation = generation;
    }
    const key = JSON.stringify([user.name, user.groups, namespace]);
    let bound = this.#bound.get(key);
    if (!bound) {
      bound = this.findBoundRules(user, namespace);
      if (this.#bound.size >= MAX_CACHED_RULE_SETS) this.#bound.clear();
      this.#bound.set(key, bound);
    }
    return bound;
  }

  private findBoundRules(user: UserInfo, namespace: string): (readonly PolicyRule[])[] {
    const bound: (readonly PolicyRule[])[] = [];
    for (const binding of this.policy.clusterRoleBindings()) {
      if ((binding.subjects ?? []).some((s) => subjectMatches(s, user, ''))) bound.push(this.rulesOf(binding.roleRef, ''));
    }
    if (!namespace) return bound;
    for (const binding of this.policy.roleBindings(namespace)) {
      if ((binding.subjects ?? []).some((s) => subjectMatches(s, user, namespace))) bound.push(this.rulesOf(binding.roleRef, namespace));
    }
    return bound;
  }

  /** A binding to a role that does not exist grants nothing (it may be created later). */
  rulesOf(ref: RoleRef | undefined, namespace: string): readonly PolicyRule[] {
    if (ref?.kind === 'ClusterRole') return this.policy.clusterRole(ref.name ?? '')?.rules ?? [];
    if (ref?.kind === 'Role' && namespace) return this.policy.role(namespace, ref.name ?? '')?.rules ?? [];
    return [];
  }
}
