import type { PolicyRule } from '../../../lib/api/generated/index.js';
import type { Attributes } from './attributes.js';

// Kubernetes' RBAC rule matching (pkg/apis/rbac/v1/evaluation_helpers): a rule allows a request when
// every one of its lists admits the request's value; `*` admits anything.

const ALL = '*';

function verbMatches(rule: PolicyRule, verb: string): boolean {
  return (rule.verbs ?? []).some((v) => v === ALL || v === verb);
}

function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === ALL || g === group);
}

// `pods` does not cover `pods/log`: a subresource is named whole (`pods/log`), or by `*` or `*/log`.
function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some((r) => r === ALL || r === combined || (subresource !== '' && r === `${ALL}/${subresource}`));
}

/** An empty list means every name; a request without a name (list, create) only matches that. */
function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (name !== '' && names.includes(name));
}

/** `/apis/*` covers everything below `/apis/`; only a trailing star is a wildcard. */
function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((url) => url === ALL || url === path || (url.endsWith(ALL) && path.startsWith(url.slice(0, -1))));
}

export function ruleAllows(attrs: Attributes, rule: PolicyRule): boolean {
  if (!verbMatches(rule, attrs.verb)) return false;
  if (!attrs.resourceRequest) return nonResourceURLMatches(rule, attrs.path);
  return apiGroupMatches(rule, attrs.apiGroup) && resourceMatches(rule, attrs.resource, attrs.subresource) && resourceNameMatches(rule, attrs.name);
}

export function rulesAllow(attrs: Attributes, rules: readonly PolicyRule[] | undefined): boolean {
  return (rules ?? []).some((rule) => ruleAllows(attrs, rule));
}
