import type { ControllerRevision } from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError } from '../../../lib/validation/field-errors.js';
import { nameIsDNSSubdomain, validateImmutableField, validateNonnegativeField } from './helpers.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';

// apps/v1 ControllerRevision (ValidateControllerRevision and its update): a numbered snapshot whose data never changes.

export function validateControllerRevision(revision: ControllerRevision): FieldError[] {
  const errs = [...validateObjectMeta(revision.metadata, true, nameIsDNSSubdomain)];
  if (!revision.data) errs.push(field.required(field.root('data'), 'data is mandatory'));
  errs.push(...validateNonnegativeField(revision.revision, field.root('revision')));
  return errs;
}

export function validateControllerRevisionUpdate(revision: ControllerRevision, old: ControllerRevision): FieldError[] {
  return [
    ...validateObjectMetaUpdate(revision.metadata, old.metadata),
    ...validateControllerRevision(revision),
    ...validateImmutableField(revision.data, old.data, field.root('data')),
  ];
}
