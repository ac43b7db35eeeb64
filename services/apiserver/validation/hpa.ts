import type { CrossVersionObjectReference, HorizontalPodAutoscaler, HPAScalingRules, MetricIdentifier, MetricSpec, MetricTarget } from '../../../lib/api/generated/index.js';
import { parseQuantity } from '../../../lib/quantity.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { isValidPathSegmentName } from '../../../lib/validation/names.js';
import { invalidEach, nameIsDNSSubdomain, validateNonnegativeField } from './helpers.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';

// autoscaling/v2 HorizontalPodAutoscalers (validateHorizontalPodAutoscalerSpec, validateMetrics,
// validateBehavior and ValidateCrossVersionObjectReference in pkg/apis/autoscaling/validation).
// autoscaling/v1 objects are validated after conversion, so their errors name v2 paths, as
// Kubernetes' (which validates its internal, v2-shaped version) do.

function validateScaleTargetRef(ref: CrossVersionObjectReference | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of ['kind', 'name'] as const) {
    const value = ref?.[key] ?? '';
    if (!value) errs.push(field.required(path.child(key)));
    else errs.push(...invalidEach(path.child(key), value, isValidPathSegmentName(value)));
  }
  return errs;
}

const METRIC_SOURCES = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  ContainerResource: 'containerResource',
  External: 'external',
} as const;
type MetricSourceField = (typeof METRIC_SOURCES)[keyof typeof METRIC_SOURCES];
const TARGET_TYPES = ['AverageValue', 'Utilization', 'Value'];
const SELECT_POLICIES = ['Disabled', 'Max', 'Min'];
const POLICY_TYPES = ['Percent', 'Pods'];
const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

function validatePositiveQuantity(value: string | undefined, path: FieldPath): FieldError[] {
  if (value === undefined) return [];
  try {
    if (parseQuantity(value).sign() <= 0) return [field.invalid(path, value, 'must be positive')];
  } catch {
    return [field.invalid(path, value, 'must be a quantity')];
  }
  return [];
}

/** Kubernetes' validateMetricTarget: a known type, positive values. */
function validateMetricTarget(target: MetricTarget | undefined, path: FieldPath): FieldError[] {
  if (!target) return [field.required(path, 'must specify a metric target')];
  const errs: FieldError[] = [];
  if (!target.type) errs.push(field.required(path.child('type'), 'must specify a metric target type'));
  else if (!TARGET_TYPES.includes(target.type)) errs.push(field.notSupported(path.child('type'), target.type, TARGET_TYPES));
  if (target.averageUtilization !== undefined && target.averageUtilization < 1) {
    errs.push(field.invalid(path.child('averageUtilization'), target.averageUtilization, 'must be greater than 0'));
  }
  errs.push(...validatePositiveQuantity(target.value, path.child('value')), ...validatePositiveQuantity(target.averageValue, path.child('averageValue')));
  const set = { Utilization: target.averageUtilization !== undefined, Value: target.value !== undefined, AverageValue: target.averageValue !== undefined };
  if (target.type && TARGET_TYPES.includes(target.type) && !set[target.type as keyof typeof set]) {
    const fieldOf = { Utilization: 'averageUtilization', Value: 'value', AverageValue: 'averageValue' }[target.type as keyof typeof set];
    errs.push(field.required(path.child(fieldOf), `must set ${fieldOf} for a target of type ${target.type}`));
  }
  return errs;
}

function validateMetricIdentifier(metric: MetricIdentifier | undefined, path: FieldPath): FieldError[] {
  return metric?.name ? [] : [field.required(path.child('name'), 'must specify a metric name')];
}

function validateResourceTarget(target: MetricTarget | undefined, path: FieldPath): FieldError[] {
  if (target?.type === 'Value') return [field.notSupported(path.child('type'), target.type, ['AverageValue', 'Utilization'])];
  return validateMetricTarget(target, path);
}

function validateMetricSource(metric: MetricSpec, source: MetricSourceField, path: FieldPath): FieldError[] {
  switch (source) {
    case 'resource':
    case 'containerResource': {
      const r = metric[source]!;
      const errs = r.name ? [] : [field.required(path.child('name'), 'must specify a resource name')];
      if (source === 'containerResource' && !metric.containerResource?.container) errs.push(field.required(path.child('container'), 'must specify a container'));
      return [...errs, ...validateResourceTarget(r.target, path.child('target'))];
    }
    case 'pods':
    case 'external': {
      const r = metric[source]!;
      const errs = validateMetricIdentifier(r.metric, path.child('metric'));
      if (r.target?.type === 'Utilization') errs.push(field.notSupported(path.child('target', 'type'), r.target.type, ['AverageValue', 'Value']));
      else errs.push(...validateMetricTarget(r.target, path.child('target')));
      return errs;
    }
    case 'object': {
      const r = metric.object!;
      return [
        ...validateScaleTargetRef(r.describedObject, path.child('describedObject')),
        ...validateMetricIdentifier(r.metric, path.child('metric')),
        ...validateMetricTarget(r.target, path.child('target')),
      ];
    }
  }
}

/** Kubernetes' validateMetricSpec: a known type whose source, and only it, is given. */
function validateMetricSpec(metric: MetricSpec, path: FieldPath): FieldError[] {
  if (!metric.type) return [field.required(path.child('type'), 'must specify a metric source type')];
  const source = METRIC_SOURCES[metric.type as keyof typeof METRIC_SOURCES];
  if (!source) return [field.notSupported(path.child('type'), metric.type, Object.keys(METRIC_SOURCES))];
  const errs: FieldError[] = [];
  for (const other of Object.values(METRIC_SOURCES)) {
    if (other !== source && metric[other]) errs.push(field.forbidden(path.child(other), 'must populate the given metric source only'));
  }
  if (!metric[source]) return [...errs, field.required(path.child(source), 'must populate information for the given metric source')];
  return [...errs, ...validateMetricSource(metric, source, path.child(source))];
}

function validateScalingRules(rules: HPAScalingRules | undefined, path: FieldPath): FieldError[] {
  if (!rules) return [];
  const errs: FieldError[] = [];
  const window = rules.stabilizationWindowSeconds;
  if (window !== undefined && (window < 0 || window > MAX_STABILIZATION_WINDOW_SECONDS)) {
    errs.push(field.invalid(path.child('stabilizationWindowSeconds'), window, `must be between 0 and ${MAX_STABILIZATION_WINDOW_SECONDS} seconds`));
  }
  if (rules.selectPolicy !== undefined && !SELECT_POLICIES.includes(rules.selectPolicy)) errs.push(field.notSupported(path.child('selectPolicy'), rules.selectPolicy, SELECT_POLICIES));
  const policies = rules.policies ?? [];
  if (policies.length === 0) errs.push(field.required(path.child('policies'), 'must specify at least one Policy'));
  policies.forEach((policy, i) => {
    const p = path.child('policies').index(i);
    if (!POLICY_TYPES.includes(policy.type ?? '')) errs.push(field.notSupported(p.child('type'), policy.type ?? '', POLICY_TYPES));
    if ((policy.value ?? 0) <= 0) errs.push(field.invalid(p.child('value'), policy.value ?? 0, 'must be greater than zero'));
    const period = policy.periodSeconds ?? 0;
    if (period <= 0) errs.push(field.invalid(p.child('periodSeconds'), period, 'must be greater than zero'));
    else if (period > MAX_PERIOD_SECONDS) errs.push(field.invalid(p.child('periodSeconds'), period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  });
  return errs;
}

function validateHPASpec(hpa: HorizontalPodAutoscaler): FieldError[] {
  const path = field.root('spec');
  const spec = hpa.spec ?? {};
  const errs: FieldError[] = [];
  const maxReplicas = spec.maxReplicas ?? 0;
  if (spec.minReplicas !== undefined && spec.minReplicas < 1) {
    errs.push(field.invalid(path.child('minReplicas'), spec.minReplicas, 'must be greater than or equal to 1'));
  }
  if (maxReplicas < 1) errs.push(field.invalid(path.child('maxReplicas'), maxReplicas, 'must be greater than 0'));
  if (spec.minReplicas !== undefined && maxReplicas < spec.minReplicas) {
    errs.push(field.invalid(path.child('maxReplicas'), maxReplicas, 'must be greater than or equal to `minReplicas`'));
  }
  errs.push(...validateScaleTargetRef(spec.scaleTargetRef, path.child('scaleTargetRef')));
  // autoscaling/v1's field never reaches storage: the v1 view converts it to a metric.
  if (spec.targetCPUUtilizationPercentage !== undefined) errs.push(field.forbidden(path.child('targetCPUUtilizationPercentage'), 'not a field of autoscaling/v2: use spec.metrics'));
  (spec.metrics ?? []).forEach((metric, i) => errs.push(...validateMetricSpec(metric, path.child('metrics').index(i))));
  errs.push(...validateScalingRules(spec.behavior?.scaleUp, path.child('behavior', 'scaleUp')), ...validateScalingRules(spec.behavior?.scaleDown, path.child('behavior', 'scaleDown')));
  return errs;
}

export function validateHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): FieldError[] {
  return [...validateObjectMeta(hpa.metadata, true, nameIsDNSSubdomain), ...validateHPASpec(hpa)];
}

export function validateHorizontalPodAutoscalerUpdate(hpa: HorizontalPodAutoscaler, old: HorizontalPodAutoscaler): FieldError[] {
  return [...validateObjectMetaUpdate(hpa.metadata, old.metadata), ...validateHPASpec(hpa)];
}

export function validateHorizontalPodAutoscalerStatusUpdate(hpa: HorizontalPodAutoscaler, old: HorizontalPodAutoscaler): FieldError[] {
  const path = field.root('status');
  return [
    ...validateObjectMetaUpdate(hpa.metadata, old.metadata),
    ...validateNonnegativeField(hpa.status?.currentReplicas, path.child('currentReplicas')),
    ...validateNonnegativeField(hpa.status?.desiredReplicas, path.child('desiredReplicas')),
  ];
}
