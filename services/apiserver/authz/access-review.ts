import type * as t from '../../../lib/api/generated/index.js';
import { badRequest } from '../../../lib/api/errors.js';
import { nonResourceAttributes, resourceAttributes, type Attributes, type UserInfo } from './attributes.js';
import type { RequestAuthorizer } from './request-authorizer.js';

const API_VERSION = 'authorization.k8s.io/v1';

function reviewAttributes(user: UserInfo, spec: t.SubjectAccessReviewSpec): Attributes {
  const r = spec.resourceAttributes;
  const n = spec.nonResourceAttributes;
  if (r && n) throw badRequest('spec: Invalid value: exactly one of nonResourceAttributes or resourceAttributes must be specified');
  if (n) return nonResourceAttributes(user, n.verb ?? '', n.path ?? '');
  if (!r) throw badRequest('spec: Invalid value: exactly one of nonResourceAttributes or resourceAttributes must be specified');
  return resourceAttributes(user, r.verb ?? '', { apiGroup: r.group ?? '', resource: r.resource ?? '', subresource: r.subresource ?? '', namespace: r.namespace ?? '', name: r.name ?? '' });
}

function answer(review: t.SubjectAccessReview, kind: string, authorizer: RequestAuthorizer, user: UserInfo): t.SubjectAccessReview {
  const decision = authorizer.decide(reviewAttributes(user, review.spec ?? {}));
  return {
    apiVersion: API_VERSION,
    kind,
    metadata: review.metadata ?? {},
    spec: review.spec ?? {},
    status: { allowed: decision.verdict === 'allow', denied: decision.verdict === 'deny', reason: decision.reason },
  };
}

/** SubjectAccessReview: could the user in the spec do this? Asking is itself a right (`create subjectaccessreviews`). */
export function subjectAccessReview(review: t.SubjectAccessReview, authorizer: RequestAuthorizer): t.SubjectAccessReview {
  const spec = review.spec ?? {};
  if (!spec.user && (spec.groups ?? []).length === 0) throw badRequest('spec.user: Invalid value: "": at least one of user or group must be specified');
  return answer(review, 'SubjectAccessReview', authorizer, { name: spec.user ?? '', uid: spec.uid ?? '', groups: spec.groups ?? [] });
}

/** SelfSubjectAccessReview: could I do this? (`kubets auth can-i`). The spec's user is ignored: the caller is the subject. */
export function selfSubjectAccessReview(review: t.SubjectAccessReview, authorizer: RequestAuthorizer, caller: UserInfo): t.SubjectAccessReview {
  return answer(review, 'SelfSubjectAccessReview', authorizer, caller);
}

/** SelfSubjectRulesReview: every rule the caller holds in a namespace (`kubets auth can-i --list`). */
export function selfSubjectRulesReview(review: t.SelfSubjectRulesReview, authorizer: RequestAuthorizer, caller: UserInfo): t.SelfSubjectRulesReview {
  const namespace = review.spec?.namespace ?? '';
  if (!namespace) throw badRequest('spec.namespace: Required value: no namespace on request');
  const { rules, incomplete } = authorizer.rulesFor(caller, namespace);
  const resourceRules: t.ResourceRule[] = [];
  const nonResourceRules: t.NonResourceRule[] = [];
  for (const rule of rules) {
    if ((rule.nonResourceURLs ?? []).length > 0) nonResourceRules.push({ verbs: rule.verbs ?? [], nonResourceURLs: rule.nonResourceURLs ?? [] });
    else resourceRules.push({ verbs: rule.verbs ?? [], apiGroups: rule.apiGroups ?? [], resources: rule.resources ?? [], resourceNames: rule.resourceNames ?? [] });
  }
  return {
    apiVersion: API_VERSION,
    kind: 'SelfSubjectRulesReview',
    metadata: review.metadata ?? {},
    spec: { namespace },
    status: { resourceRules, nonResourceRules, incomplete, evaluationError: '' },
  };
}
