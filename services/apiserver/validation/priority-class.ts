import type { PriorityClass } from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError } from '../../../lib/validation/field-errors.js';
import { nameIsDNSSubdomain, validateImmutableField } from './helpers.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';

// scheduling.k8s.io PriorityClasses (ValidatePriorityClass, ValidatePriorityClassUpdate).

export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
const SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY;
const SYSTEM_PRIORITY_CLASS_PREFIX = 'system-';

/** The classes Kubernetes itself defines; `system-` names are reserved for them. */
export const SYSTEM_PRIORITY_CLASSES: ReadonlyMap<string, number> = new Map([
  ['system-node-critical', SYSTEM_CRITICAL_PRIORITY + 1000],
  ['system-cluster-critical', SYSTEM_CRITICAL_PRIORITY],
]);

function systemClassError(name: string, value: number, globalDefault: boolean): string | undefined {
  const expected = SYSTEM_PRIORITY_CLASSES.get(name);
  if (expected === undefined) return `${name} is not a known system priority class`;
  if (value !== expected) return `value of ${name} PriorityClass must be ${expected}`;
  if (globalDefault) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

const PREEMPTION_POLICIES = ['PreemptLowerPriority', 'Never'];

function validatePriorityClassFields(pc: PriorityClass): FieldError[] {
  const errs: FieldError[] = [];
  const name = pc.metadata?.name ?? '';
  const value = pc.value ?? 0;
  if (name.startsWith(SYSTEM_PRIORITY_CLASS_PREFIX)) {
    const problem = systemClassError(name, value, pc.globalDefault ?? false);
    if (problem) {
      errs.push(
        field.forbidden(
          field.root('metadata', 'name'),
          `priority class names with '${SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use only. error: ${problem}`,
        ),
      );
    }
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(field.forbidden(field.root('value'), `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  const policy = pc.preemptionPolicy;
  if (policy !== undefined) {
    if (!policy) errs.push(field.required(field.root('preemptionPolicy')));
    else if (!PREEMPTION_POLICIES.includes(policy)) errs.push(field.notSupported(field.root('preemptionPolicy'), policy, PREEMPTION_POLICIES));
  }
  return errs;
}

export function validatePriorityClass(pc: PriorityClass): FieldError[] {
  return [...validateObjectMeta(pc.metadata, false, nameIsDNSSubdomain), ...validatePriorityClassFields(pc)];
}

/** A class's value and preemption policy are fixed: pods already carry them. */
export function validatePriorityClassUpdate(pc: PriorityClass, old: PriorityClass): FieldError[] {
  const errs = validateObjectMetaUpdate(pc.metadata, old.metadata);
  if ((pc.value ?? 0) !== (old.value ?? 0)) errs.push(field.forbidden(field.root('value'), 'may not be changed in an update.'));
  errs.push(...validateImmutableField(pc.preemptionPolicy, old.preemptionPolicy, field.root('preemptionPolicy')));
  return errs;
}
