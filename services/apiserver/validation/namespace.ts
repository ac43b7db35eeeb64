import type { Namespace } from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError } from '../../../lib/validation/field-errors.js';
import { isQualifiedName } from '../../../lib/validation/names.js';
import { invalidEach } from './helpers.js';
import { validateKubeFinalizerName, validateNamespaceName, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';

// Namespaces (ValidateNamespace and its update rules): names are DNS labels, because they become
// part of DNS names; spec.finalizers are the finalizers the namespace controller works through.

export function validateNamespace(namespace: Namespace): FieldError[] {
  const errs = validateObjectMeta(namespace.metadata, false, validateNamespaceName);
  // Kubernetes reports these on the list's path, without the index.
  const path = field.root('spec', 'finalizers');
  for (const name of namespace.spec?.finalizers ?? []) {
    errs.push(...invalidEach(path, name, isQualifiedName(name)), ...validateKubeFinalizerName(name, path));
  }
  return errs;
}

export function validateNamespaceUpdate(namespace: Namespace, old: Namespace): FieldError[] {
  return validateObjectMetaUpdate(namespace.metadata, old.metadata);
}

/** Active while the namespace lives, Terminating once its deletion started. */
export function validateNamespaceStatusUpdate(namespace: Namespace, old: Namespace): FieldError[] {
  const errs = validateObjectMetaUpdate(namespace.metadata, old.metadata);
  const phase = namespace.status?.phase ?? '';
  const phasePath = field.root('status', 'Phase');
  if (!namespace.metadata?.deletionTimestamp) {
    if (phase !== 'Active') errs.push(field.invalid(phasePath, phase, "may only be 'Active' if `deletionTimestamp` is empty"));
  } else if (phase !== 'Terminating') {
    errs.push(field.invalid(phasePath, phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  }
  return errs;
}
