import type {
  Deployment,
  DeploymentStatus,
  DeploymentStrategy,
  IntOrString,
  LabelSelector,
  PodTemplateSpec,
  ReplicaSet,
  ReplicaSetStatus,
  ReplicationController,
} from '../../../lib/api/generated/index.js';
import { LabelSelectorError, type Selector, selectorFromLabelSelector, selectorFromSet } from '../../../lib/labels/selector.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { isValidPercent } from '../../../lib/validation/names.js';
import { intOrStringValue, invalidEach, nameIsDNSSubdomain, validateImmutableField, validateNonnegativeField } from './helpers.js';
import { validateLabelSelector } from './labels.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { validatePodTemplateSpec } from './pod-spec.js';

// ReplicationController (pkg/apis/core/validation), ReplicaSet and Deployment
// (pkg/apis/apps/validation, with the apps/v1 rule that selectors never change).

const DEPLOYMENT_STRATEGY_TYPES = ['Recreate', 'RollingUpdate'];
const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

/** The template every replica is made from: matched by the selector, always restarted. */
function validateTemplateForController(
  template: PodTemplateSpec | undefined,
  selector: Selector,
  path: FieldPath,
  controller: 'ReplicationController' | 'ReplicaSet' | 'DaemonSet' | 'StatefulSet',
): FieldError[] {
  const errs: FieldError[] = [];
  const labels = template?.metadata?.labels;
  if (!selector.empty() && !selector.matches(labels)) {
    errs.push(field.invalid(path.child('metadata', 'labels'), labels ?? null, SELECTOR_MISMATCH));
  }
  errs.push(...validatePodTemplateSpec(template, path));
  const restartPolicy = template?.spec?.restartPolicy ?? '';
  if (restartPolicy !== 'Always') errs.push(field.notSupported(path.child('spec', 'restartPolicy'), restartPolicy, ['Always']));
  if (template?.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(field.forbidden(path.child('spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${controller} is not Supported`));
  }
  return errs;
}

function validateReplicationControllerSpec(rc: ReplicationController): FieldError[] {
  const path = field.root('spec');
  const spec = rc.spec ?? {};
  const errs = validateNonnegativeField(spec.minReadySeconds, path.child('minReadySeconds'));
  const selector = selectorFromSet(spec.selector);
  if (selector.empty()) errs.push(field.required(path.child('selector')));
  errs.push(...validateNonnegativeField(spec.replicas, path.child('replicas')));
  if (!spec.template) errs.push(field.required(path.child('template')));
  else errs.push(...validateTemplateForController(spec.template, selector, path.child('template'), 'ReplicationController'));
  return errs;
}

/**
 * The spec rules every apps/v1 workload shares: a non-empty selector that matches the template's
 * labels, and a template that always restarts. Kubernetes says "deployment" in the empty-selector
 * message for ReplicaSets too, and names DaemonSets and StatefulSets.
 */
export function validateSelectorAndTemplate(
  selector: LabelSelector | undefined,
  template: PodTemplateSpec | undefined,
  path: FieldPath,
  owner: { word: string; controller: 'ReplicaSet' | 'DaemonSet' | 'StatefulSet' } = { word: 'deployment', controller: 'ReplicaSet' },
): FieldError[] {
  const errs: FieldError[] = [];
  if (!selector) {
    errs.push(field.required(path.child('selector')));
  } else {
    errs.push(...validateLabelSelector(selector, path.child('selector')));
    if (Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions?.length ?? 0) === 0) {
      errs.push(field.invalid(path.child('selector'), selector, `empty selector is invalid for ${owner.word}`));
    }
  }
  let parsed: Selector;
  try {
    parsed = selectorFromLabelSelector(selector);
  } catch (err) {
    if (!(err instanceof LabelSelectorError)) throw err;
    errs.push(field.invalid(path.child('selector'), selector ?? null, 'invalid label selector'));
    return errs;
  }
  errs.push(...validateTemplateForController(template, parsed, path.child('template'), owner.controller));
  return errs;
}

function validateReplicaSetSpec(rs: ReplicaSet): FieldError[] {
  const path = field.root('spec');
  const spec = rs.spec ?? {};
  return [
    ...validateNonnegativeField(spec.replicas, path.child('replicas')),
    ...validateNonnegativeField(spec.minReadySeconds, path.child('minReadySeconds')),
    ...validateSelectorAndTemplate(spec.selector, spec.template, path),
  ];
}

export function percentValue(value: IntOrString | undefined): number | undefined {
  const v = intOrStringValue(value);
  return typeof v === 'string' && isValidPercent(v).length === 0 ? Number(v.slice(0, -1)) : undefined;
}

// intstr's IntValue: the number, or a string read as a plain integer (0 when it is not one).
export function intOrPercentValue(value: IntOrString | undefined): number {
  const percent = percentValue(value);
  if (percent !== undefined) return percent;
  const v = intOrStringValue(value);
  return typeof v === 'number' ? v : /^[+-]?\d+$/.test(v) ? Number(v) : 0;
}

export function validatePositiveIntOrPercent(value: IntOrString | undefined, path: FieldPath): FieldError[] {
  const v = intOrStringValue(value);
  if (typeof v === 'string') return invalidEach(path, v, isValidPercent(v));
  return validateNonnegativeField(v, path);
}

function validateDeploymentStrategy(strategy: DeploymentStrategy | undefined, path: FieldPath): FieldError[] {
  const s = strategy ?? {};
  switch (s.type) {
    case 'Recreate':
      return s.rollingUpdate ? [field.forbidden(path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate': {
      const rollingPath = path.child('rollingUpdate');
      const rolling = s.rollingUpdate;
      if (!rolling) return [field.required(rollingPath, 'this should be defaulted and never be nil')];
      const unavailablePath = rollingPath.child('maxUnavailable');
      const errs = [
        ...validatePositiveIntOrPercent(rolling.maxUnavailable, unavailablePath),
        ...validatePositiveIntOrPercent(rolling.maxSurge, rollingPath.child('maxSurge')),
      ];
      if (intOrPercentValue(rolling.maxUnavailable) === 0 && intOrPercentValue(rolling.maxSurge) === 0) {
        errs.push(field.invalid(unavailablePath, intOrStringValue(rolling.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
      }
      if ((percentValue(rolling.maxUnavailable) ?? 0) > 100) {
        errs.push(field.invalid(unavailablePath, intOrStringValue(rolling.maxUnavailable), 'must not be greater than 100%'));
      }
      return errs;
    }
    default:
      return [field.notSupported(path, s, DEPLOYMENT_STRATEGY_TYPES)];
  }
}

function validateDeploymentSpec(deployment: Deployment): FieldError[] {
  const path = field.root('spec');
  const spec = deployment.spec ?? {};
  const errs = [
    ...validateNonnegativeField(spec.replicas, path.child('replicas')),
    ...validateSelectorAndTemplate(spec.selector, spec.template, path),
    ...validateDeploymentStrategy(spec.strategy, path.child('strategy')),
    ...validateNonnegativeField(spec.minReadySeconds, path.child('minReadySeconds')),
  ];
  if (spec.revisionHistoryLimit !== undefined) errs.push(...validateNonnegativeField(spec.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  if (spec.progressDeadlineSeconds !== undefined) {
    const deadlinePath = path.child('progressDeadlineSeconds');
    errs.push(...validateNonnegativeField(spec.progressDeadlineSeconds, deadlinePath));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(field.invalid(deadlinePath, spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

export function validateReplicationController(rc: ReplicationController): FieldError[] {
  return [...validateObjectMeta(rc.metadata, true, nameIsDNSSubdomain), ...validateReplicationControllerSpec(rc)];
}

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  return [...validateObjectMeta(rs.metadata, true, nameIsDNSSubdomain), ...validateReplicaSetSpec(rs)];
}

export function validateDeployment(deployment: Deployment): FieldError[] {
  return [...validateObjectMeta(deployment.metadata, true, nameIsDNSSubdomain), ...validateDeploymentSpec(deployment)];
}

export function validateReplicationControllerUpdate(rc: ReplicationController, old: ReplicationController): FieldError[] {
  return [...validateObjectMetaUpdate(rc.metadata, old.metadata), ...validateReplicationControllerSpec(rc)];
}

export function validateReplicaSetUpdate(rs: ReplicaSet, old: ReplicaSet): FieldError[] {
  return [
    ...validateObjectMetaUpdate(rs.metadata, old.metadata),
    ...validateReplicaSetSpec(rs),
    ...validateImmutableField(rs.spec?.selector, old.spec?.selector, field.root('spec', 'selector')),
  ];
}

export function validateDeploymentUpdate(deployment: Deployment, old: Deployment): FieldError[] {
  return [
    ...validateObjectMetaUpdate(deployment.metadata, old.metadata),
    ...validateDeploymentSpec(deployment),
    ...validateImmutableField(deployment.spec?.selector, old.spec?.selector, field.root('spec', 'selector')),
  ];
}

export const STATUS_REPLICAS_MSG = 'cannot be greater than status.replicas';

/** ReplicationController and ReplicaSet status (they share the type). */
export function validateReplicaSetStatus(status: ReplicaSetStatus | undefined): FieldError[] {
  const path = field.root('status');
  const s = status ?? {};
  const replicas = s.replicas ?? 0;
  const errs = [
    ...validateNonnegativeField(s.replicas, path.child('replicas')),
    ...validateNonnegativeField(s.fullyLabeledReplicas, path.child('fullyLabeledReplicas')),
    ...validateNonnegativeField(s.readyReplicas, path.child('readyReplicas')),
    ...validateNonnegativeField(s.availableReplicas, path.child('availableReplicas')),
    ...validateNonnegativeField(s.observedGeneration, path.child('observedGeneration')),
  ];
  for (const key of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'] as const) {
    if ((s[key] ?? 0) > replicas) errs.push(field.invalid(path.child(key), s[key] ?? 0, STATUS_REPLICAS_MSG));
  }
  if ((s.availableReplicas ?? 0) > (s.readyReplicas ?? 0)) {
    errs.push(field.invalid(path.child('availableReplicas'), s.availableReplicas, 'cannot be greater than readyReplicas'));
  }
  return errs;
}

export function validateDeploymentStatus(status: DeploymentStatus | undefined, old: DeploymentStatus | undefined): FieldError[] {
  const path = field.root('status');
  const s = status ?? {};
  const replicas = s.replicas ?? 0;
  const errs: FieldError[] = [];
  for (const key of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) {
    errs.push(...validateNonnegativeField(s[key], path.child(key)));
  }
  if (s.collisionCount !== undefined) errs.push(...validateNonnegativeField(s.collisionCount, path.child('collisionCount')));
  for (const key of ['updatedReplicas', 'readyReplicas', 'availableReplicas'] as const) {
    if ((s[key] ?? 0) > replicas) errs.push(field.invalid(path.child(key), s[key] ?? 0, STATUS_REPLICAS_MSG));
  }
  if ((s.availableReplicas ?? 0) > (s.readyReplicas ?? 0)) {
    errs.push(field.invalid(path.child('availableReplicas'), s.availableReplicas, 'cannot be greater than readyReplicas'));
  }
  const oldCount = old?.collisionCount;
  if (oldCount !== undefined && (s.collisionCount === undefined || s.collisionCount < oldCount)) {
    errs.push(field.invalid(path.child('collisionCount'), s.collisionCount ?? 0, 'cannot be decremented'));
  }
  return errs;
}
