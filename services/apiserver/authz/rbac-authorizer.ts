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
  /** Bound rules by user (its key) and namespace, and how many sets that is. */
  #bound = new Map<string, Map<string, readonly (readonly PolicyRule[])[]>>();
  #boundSets = 0;
  #generation = -1;
  /** Each user object's key, made once: the token file's users are the same objects on every call. */
  readonly #userKeys = new WeakMap<UserInfo, string>();

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
    if (generation !== this.#generation || this.#boundSets >= MAX_CACHED_RULE_SETS) {
      this.#bound = new Map();
      this.#boundSets = 0;
      this.#generation = generation;
    }
    const userKey = this.userKey(user);
    let byNamespace = this.#bound.get(userKey);
    if (!byNamespace) this.#bound.set(userKey, (byNamespace = new Map()));
    let bound = byNamespace.get(namespace);
    if (!bound) {
      bound = this.findBoundRules(user, namespace);
      byNamespace.set(namespace, bound);
      this.#boundSets++;
    }
    return bound;
  }

  /** What the bound rules depend on of a user: its name and groups. */
  private userKey(user: UserInfo): string {
    let key = this.#userKeys.get(user);
    if (key === undefined) {
      key = JSON.stringify([user.name, user.groups]);
      this.#userKeys.set(user, key);
    }
    return key;
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
