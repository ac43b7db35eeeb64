import type { Pod, ResourceQuota, ScopedResourceSelectorRequirement } from '../api/generated/index.js';
import { qosClass } from '../api/pod-qos.js';
import type { AnyObject, ResourceInfo } from '../api/resources.js';

// Quota scopes (spec.scopes and spec.scopeSelector): a scoped quota only tracks the pods its
// scopes select, and never objects of other kinds, as in Kubernetes.

export const QUOTA_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass'] as const;
export type QuotaScope = (typeof QUOTA_SCOPES)[number];

/** The scope requirements of a quota: its scopes as Exists, then its selector's expressions. */
function requirementsOf(quota: ResourceQuota): ScopedResourceSelectorRequirement[] {
  return [...(quota.spec?.scopes ?? []).map((scopeName) => ({ scopeName, operator: 'Exists', values: [] })), ...(quota.spec?.scopeSelector?.matchExpressions ?? [])];
}

/** Whether the quota is scoped at all. */
export function isScoped(quota: ResourceQuota): boolean {
  return requirementsOf(quota).length > 0;
}

/** Whether a quota's scopes select an object (an unscoped quota selects everything). */
export function scopesSelect(quota: ResourceQuota, info: ResourceInfo, object: AnyObject): boolean {
  const requirements = requirementsOf(quota);
  if (requirements.length === 0) return true;
  if (info.resource !== 'pods' || info.group !== '') return false;
  return requirements.every((r) => podMatches(r, object as Pod));
}

function podMatches(requirement: ScopedResourceSelectorRequirement, pod: Pod): boolean {
  const deadline = pod.spec?.activeDeadlineSeconds;
  const terminating = deadline !== undefined && Number(deadline) >= 0;
  const bestEffort = qosClass(pod.spec) === 'BestEffort';
  switch (requirement.scopeName) {
    case 'Terminating':
      return terminating;
    case 'NotTerminating':
      return !terminating;
    case 'BestEffort':
      return bestEffort;
    case 'NotBestEffort':
      return !bestEffort;
    case 'PriorityClass':
      return priorityClassMatches(requirement, pod.spec?.priorityClassName ?? '');
    default:
      return false;
  }
}

function priorityClassMatches(requirement: ScopedResourceSelectorRequirement, className: string): boolean {
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'Exists':
      return className !== '';
    case 'DoesNotExist':
      return className === '';
    case 'In':
      return values.includes(className);
    case 'NotIn':
      return !values.includes(className);
    default:
      return false;
  }
}
