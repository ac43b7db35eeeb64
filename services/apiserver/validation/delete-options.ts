import type { DeleteOptions } from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError } from '../../../lib/validation/field-errors.js';
import { validateNonnegativeField } from './helpers.js';

const PROPAGATION_POLICIES = ['Orphan', 'Background', 'Foreground'];

/** Kubernetes' ValidateDeleteOptions, with the grace period checked too: a negative one means nothing. */
export function validateDeleteOptions(options: DeleteOptions): FieldError[] {
  const errs = validateNonnegativeField(options.gracePeriodSeconds ?? undefined, field.root('gracePeriodSeconds'));
  if (options.propagationPolicy && !PROPAGATION_POLICIES.includes(options.propagationPolicy)) {
    errs.push(field.notSupported(field.root('propagationPolicy'), options.propagationPolicy, PROPAGATION_POLICIES));
  }
  return errs;
}
