import type { Binding } from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError } from '../../../lib/validation/field-errors.js';
import { invalidEach, nameIsDNSSubdomain } from './helpers.js';

/**
 * Kubernetes' ValidatePodBinding, plus the node name's format: the binding becomes the pod's
 * spec.nodeName, which pod validation requires to be a DNS subdomain, so a bad one would leave a
 * pod that no later update could pass.
 */
export function validateBinding(binding: Binding): FieldError[] {
  const errs: FieldError[] = [];
  const target = binding.target ?? {};
  if (target.kind && target.kind !== 'Node') errs.push(field.notSupported(field.root('target', 'kind'), target.kind, ['Node', '<empty>']));
  if (target.name) errs.push(...invalidEach(field.root('target', 'name'), target.name, nameIsDNSSubdomain(target.name, false)));
  return errs;
}
