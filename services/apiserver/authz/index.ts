// Authorization for every transport. A request handler authenticates the caller, then:
//   const user = authorizer.identify(authenticated, header, scope); // system:authenticated, impersonation
//   const attrs = resourceAttributes(user, verb, {...});          // or grpcAttributes(method, user, req)
//   authorizer.authorize(attrs, scope);                           // throws Forbidden; the verdict goes to the audit event
//   authorizer.admit(attrs, object, patch);                       // NodeRestriction, RBAC escalation
export { nonResourceAttributes, resourceAttributes, type Attributes, type UserInfo } from './attributes.js';
export { selfSubjectAccessReview, selfSubjectRulesReview, subjectAccessReview } from './access-review.js';
export { ClusterRoleAggregator } from './aggregation-controller.js';
export { grpcAttributes, requestObject, requestPatch } from './grpc-attributes.js';
export { IMPERSONATE_GROUP, IMPERSONATE_USER } from './impersonation.js';
export { reconcileBootstrapPolicy } from './reconcile.js';
export { RequestAuthorizer } from './request-authorizer.js';
