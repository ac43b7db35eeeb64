import type { CrossVersionObjectReference, HorizontalPodAutoscaler } from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { isValidPathSegmentName } from '../../../lib/validation/names.js';
import { invalidEach, nameIsDNSSubdomain, validateNonnegativeField } from './helpers.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';

// autoscaling HorizontalPodAutoscalers (validateHorizontalPodAutoscalerSpec and
// ValidateCrossVersionObjectReference in pkg/apis/autoscaling/validation).

function validateScaleTargetRef(ref: CrossVersionObjectReference | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of ['kind', 'name'] as const) {
    const value = ref?.[key] ?? '';
    if (!value) errs.push(field.required(path.child(key)));
    else errs.push(...invalidEach(path.child(key), value, isValidPathSegmentName(value)));
  }
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
  const target = spec.targetCPUUtilizationPercentage;
  if (target !== undefined && target < 1) {
    errs.push(field.invalid(path.child('targetCPUUtilizationPercentage'), target, 'must be greater than 0'));
  }
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
