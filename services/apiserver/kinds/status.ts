import type { AnyObject } from '../../../lib/api/resources.js';
import type { FieldError } from '../../../lib/validation/field-errors.js';
import { validateObjectMetaUpdate } from '../validation/object-meta.js';

/** What every status write is checked for: its metadata changes only as any update's may. */
export function validateStatusMetadata(object: AnyObject, old: AnyObject): FieldError[] {
  return validateObjectMetaUpdate(object.metadata, old.metadata);
}
