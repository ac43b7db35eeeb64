import type { LabelSelector } from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { isQualifiedName, isValidLabelValue } from '../../../lib/validation/names.js';
import { invalidEach } from './helpers.js';

// Labels, annotations and label selectors (apimachinery's meta/v1/validation and
// api/validation.ValidateAnnotations). Errors for map entries name the map, not the key, as in
// Kubernetes.

const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

export function validateLabelName(name: string, path: FieldPath): FieldError[] {
  return invalidEach(path, name, isQualifiedName(name));
}

export function validateLabels(labels: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(key, path));
    errs.push(...invalidEach(path, value, isValidLabelValue(value)));
  }
  return errs;
}

export function validateAnnotations(annotations: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let totalSize = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    // Annotation keys are qualified names in which case does not matter.
    errs.push(...invalidEach(path, key, isQualifiedName(key.toLowerCase())));
    totalSize += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');
  }
  if (totalSize > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) errs.push(field.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
  return errs;
}

export function validateLabelSelector(selector: LabelSelector | undefined, path: FieldPath): FieldError[] {
  if (!selector) return [];
  const errs = validateLabels(selector.matchLabels, path.child('matchLabels'));
  (selector.matchExpressions ?? []).forEach((requirement, i) => {
    const reqPath = path.child('matchExpressions').index(i);
    const values = requirement.values ?? [];
    switch (requirement.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          errs.push(field.required(reqPath.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          errs.push(field.forbidden(reqPath.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        }
        break;
      default:
        errs.push(field.invalid(reqPath.child('operator'), requirement.operator ?? '', 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(requirement.key ?? '', reqPath.child('key')));
    values.forEach((value, j) => errs.push(...invalidEach(reqPath.child('values').index(j), value, isValidLabelValue(value))));
  });
  return errs;
}
