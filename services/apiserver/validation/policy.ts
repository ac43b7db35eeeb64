import type { IntOrString, PodDisruptionBudget, PodDisruptionBudgetSpec, PodDisruptionBudgetStatus } from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { intOrStringValue, nameIsDNSSubdomain, validateNonnegativeField } from './helpers.js';
import { validateLabelSelector } from './labels.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { percentValue, validatePositiveIntOrPercent } from './workloads.js';

// policy/v1 PodDisruptionBudgets (ValidatePodDisruptionBudget and its status update in
// pkg/apis/policy/validation): one of minAvailable and maxUnavailable, each a non-negative number
// or a percentage up to 100%, a valid selector, a known unhealthy-pod policy.

export const UNHEALTHY_POD_EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

function validateIntOrPercentUpTo100(value: IntOrString | undefined, path: FieldPath): FieldError[] {
  if (!value) return [];
  const errs = validatePositiveIntOrPercent(value, path);
  if ((percentValue(value) ?? 0) > 100) errs.push(field.invalid(path, intOrStringValue(value), 'must not be greater than 100%'));
  return errs;
}

function validateSpec(spec: PodDisruptionBudgetSpec | undefined): FieldError[] {
  const path = field.root('spec');
  const s = spec ?? {};
  const errs: FieldError[] = [];
  if (s.minAvailable && s.maxUnavailable) errs.push(field.invalid(path, s, 'minAvailable and maxUnavailable cannot be both set'));
  errs.push(...validateIntOrPercentUpTo100(s.minAvailable, path.child('minAvailable')));
  errs.push(...validateIntOrPercentUpTo100(s.maxUnavailable, path.child('maxUnavailable')));
  errs.push(...validateLabelSelector(s.selector, path.child('selector')));
  const policy = s.unhealthyPodEvictionPolicy;
  if (policy !== undefined && !UNHEALTHY_POD_EVICTION_POLICIES.includes(policy)) {
    errs.push(field.notSupported(path.child('unhealthyPodEvictionPolicy'), policy, UNHEALTHY_POD_EVICTION_POLICIES));
  }
  return errs;
}

function validateStatus(status: PodDisruptionBudgetStatus | undefined): FieldError[] {
  const path = field.root('status');
  const s = status ?? {};
  return [
    ...validateNonnegativeField(s.disruptionsAllowed, path.child('disruptionsAllowed')),
    ...validateNonnegativeField(s.currentHealthy, path.child('currentHealthy')),
    ...validateNonnegativeField(s.desiredHealthy, path.child('desiredHealthy')),
    ...validateNonnegativeField(s.expectedPods, path.child('expectedPods')),
  ];
}

export function validatePodDisruptionBudget(pdb: PodDisruptionBudget): FieldError[] {
  return [...validateObjectMeta(pdb.metadata, true, nameIsDNSSubdomain), ...validateSpec(pdb.spec)];
}

/** The spec may change (policy/v1 lifted beta's immutability); the same rules apply. */
export function validatePodDisruptionBudgetUpdate(pdb: PodDisruptionBudget, old: PodDisruptionBudget): FieldError[] {
  return [...validateObjectMetaUpdate(pdb.metadata, old.metadata), ...validateSpec(pdb.spec)];
}

export function validatePodDisruptionBudgetStatusUpdate(pdb: PodDisruptionBudget, old: PodDisruptionBudget): FieldError[] {
  return [...validateObjectMetaUpdate(pdb.metadata, old.metadata), ...validateStatus(pdb.status)];
}
