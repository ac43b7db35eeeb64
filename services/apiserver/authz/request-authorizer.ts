import type { Logger } from 'pino';
import type { PersistentVolumeClaim, PolicyRule, Role, TokenRequest } from '../../../lib/api/generated/index.js';
import type { WatchCache } from '../watch/index.js';
import { ANONYMOUS_USER } from '../../../lib/auth/cluster-info.js';
import { SYSTEM_AUTHENTICATED, SYSTEM_MASTERS, type Attributes, type UserInfo } from './attributes.js';
import { NODE_RULES } from './bootstrap-policy.js';
import { ALLOW, NO_OPINION, unionAuthorizer, type Authorizer, type Decision } from './decision.js';
import { preventEscalation, type EscalationDeps, type PatchBody } from './escalation.js';
import { forbidden } from './forbidden.js';
import { impersonate } from './impersonation.js';
import { NodeAuthorizer } from './node-authorizer.js';
import { NodeGraph } from './node-graph.js';
import { nodeNameOf } from './node-identity.js';
import { admitNodeProxierWrite } from './node-proxier-restriction.js';
import { admitNodeWrite } from './node-restriction.js';
import type { AnyObject } from '../../../lib/api/resources.js';
import { watchCachePolicy } from './policy-source.js';
import { RbacAuthorizer } from './rbac-authorizer.js';
import { noteAuthorization, type RequestScope } from '../request-scope.js';

/** Members of system:masters may do anything, whatever the RBAC objects say (so a broken policy can be fixed). */
const mastersAuthorizer: Authorizer = {
  authorize: (attrs) => (attrs.user.groups.includes(SYSTEM_MASTERS) ? ALLOW : NO_OPINION),
};

/** The rules a user holds in a namespace, for a rules review; incomplete when the Node authorizer adds its graph. */
export interface RulesReview {
  rules: PolicyRule[];
  incomplete: boolean;
}

/**
 * Everything the apiserver decides about who may do what, for any transport: gRPC calls and REST
 * requests alike turn into Attributes and go through `authorize` (and writes through `admit`).
 * The order is Kubernetes' `--authorization-mode=Node,RBAC` with system:masters first; the policy
 * and the node graph come from the watch caches, never from etcd per request.
 */
export class RequestAuthorizer {
  private readonly graph = new NodeGraph();
  private readonly rbac: RbacAuthorizer;
  private readonly chain: Authorizer;
  private readonly escalation: EscalationDeps;
  private readonly abort = new AbortController();
  private following: Promise<void> | undefined;
  private readonly authenticatedUsers = new WeakMap<UserInfo, UserInfo>();

  constructor(private readonly opts: { caches: ReadonlyMap<string, WatchCache>; log: Logger }) {
    this.rbac = new RbacAuthorizer(watchCachePolicy(opts.caches));
    const claims = opts.caches.get('persistentvolumeclaims');
    const node = new NodeAuthorizer({
      graph: this.graph,
      nodeRules: NODE_RULES,
      claimVolume: (namespace, name) => (claims?.get(namespace, name) as PersistentVolumeClaim | undefined)?.spec?.volumeName ?? '',
    });
    this.chain = unionAuthorizer([mastersAuthorizer, node, this.rbac]);
    this.escalation = {
      decide: (attrs) => this.decide(attrs),
      roleRules: (ref, namespace) => this.rbac.rulesOf(ref, namespace),
      storedRole: (resource, namespace, name) => opts.caches.get(resource)?.get(namespace, name) as Role | undefined,
    };
  }

  /** Starts following the pods' watch cache for the node graph. */
  start(): void {
    const pods = this.opts.caches.get('pods');
    if (pods) this.following = this.graph.follow(pods, this.abort.signal, this.opts.log.child({ part: 'node-graph' }));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.following;
  }

  /**
   * The user a request acts as: the authenticated one (every one of them is in
   * system:authenticated), or whom it impersonates when allowed. `header` reads a request header
   * or metadata key (all its values). The impersonation checks are noted in scope, as authorize notes its verdict.
   */
  identify(authenticated: UserInfo, header: (name: string) => string[], scope?: RequestScope): UserInfo {
    return impersonate(this.asAuthenticated(authenticated), header, (attrs) => this.authorize(attrs, scope));
  }

  /**
   * The user with system:authenticated among its groups; made once per user object, since the
   * token file's users are the same objects on every call (and users are never changed).
   */
  private asAuthenticated(user: UserInfo): UserInfo {
    // The anonymous user is the one user who is not authenticated.
    if (user.name === ANONYMOUS_USER || user.groups.includes(SYSTEM_AUTHENTICATED)) return user;
    let member = this.authenticatedUsers.get(user);
    if (!member) {
      member = { ...user, groups: [...user.groups, SYSTEM_AUTHENTICATED] };
      this.authenticatedUsers.set(user, member);
    }
    return member;
  }

  decide(attrs: Attributes): Decision {
    return this.chain.authorize(attrs);
  }

  /** Throws Kubernetes' Forbidden unless some authorizer allows the request; the verdict goes into the request's scope for its audit event. */
  authorize(attrs: Attributes, scope?: RequestScope): void {
    const decision = this.decide(attrs);
    noteAuthorization(scope, attrs, decision.verdict === 'allow', decision.reason);
    if (decision.verdict !== 'allow') throw forbidden(attrs, decision.reason);
  }

  /**
   * Admission that depends on who writes: NodeRestriction (for kubelets and for each node's proxy), and RBAC's escalation check (no role or
   * binding grants more than its writer holds). `object` is what a create or update carries,
   * `patch` what a patch does.
   */
  admit(attrs: Attributes, object?: AnyObject | TokenRequest, patch?: PatchBody): void {
    admitNodeWrite(attrs, this.graph, object);
    admitNodeProxierWrite(attrs, object as AnyObject | undefined, patch);
    // A TokenRequest is no RBAC object: only kinds of the resource table can escalate.
    if (attrs.subresource !== 'token') preventEscalation(attrs, object as AnyObject | undefined, this.escalation, patch);
  }

  rulesFor(user: UserInfo, namespace: string): RulesReview {
    if (user.groups.includes(SYSTEM_MASTERS)) return { rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false };
    const rules = this.rbac.rulesFor(user, namespace);
    if (nodeNameOf(user) === undefined) return { rules, incomplete: false };
    return { rules: [...NODE_RULES, ...rules], incomplete: true };
  }
}
