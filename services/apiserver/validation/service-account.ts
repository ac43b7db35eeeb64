import type { ServiceAccount } from '../../../lib/api/generated/index.js';
import type { FieldError } from '../../../lib/validation/field-errors.js';
import { nameIsDNSSubdomain } from './helpers.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';

// ServiceAccounts (ValidateServiceAccount): a DNS subdomain name; the secret references are free-form.

export function validateServiceAccount(sa: ServiceAccount): FieldError[] {
  return validateObjectMeta(sa.metadata, true, nameIsDNSSubdomain);
}

export function validateServiceAccountUpdate(sa: ServiceAccount, old: ServiceAccount): FieldError[] {
  return [...validateObjectMetaUpdate(sa.metadata, old.metadata), ...validateServiceAccount(sa)];
}
