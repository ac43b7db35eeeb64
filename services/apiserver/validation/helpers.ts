import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain } from '../../../lib/validation/names.js';
import { semanticEqual } from './equality.js';

// Small checks shared by every kind, with Kubernetes' messages (apimachinery's api/validation and
// the top of pkg/apis/core/validation).

export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';
export const IS_NOT_POSITIVE_ERROR_MSG = 'must be greater than zero';
const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';
const FILE_MODE_ERROR_MSG = 'must be a number between 0 and 0777 (octal), both inclusive';
export const MAX_INT32 = 2147483647;

export function validateNonnegativeField(value: number | undefined, path: FieldPath): FieldError[] {
  return (value ?? 0) < 0 ? [field.invalid(path, value, IS_NEGATIVE_ERROR_MSG)] : [];
}

/** `Invalid value: <new>: field is immutable` unless the values are semantically equal. */
export function validateImmutableField(newValue: unknown, oldValue: unknown, path: FieldPath): FieldError[] {
  return semanticEqual(newValue, oldValue) ? [] : [field.invalid(path, newValue ?? null, FIELD_IMMUTABLE_ERROR_MSG)];
}

/** One Invalid error per message a format check returned. */
export function invalidEach(path: FieldPath, value: unknown, messages: readonly string[]): FieldError[] {
  return messages.map((msg) => field.invalid(path, value, msg));
}

/**
 * Checks an object name; `prefix` is true for a generateName, which gets random characters
 * appended and so may end in '-'.
 */
export type NameValidator = (name: string, prefix: boolean) => string[];

// Kubernetes' maskTrailingDash, including its quirk of dropping two characters: only validity of
// the result matters.
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

export const nameIsDNSSubdomain: NameValidator = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: NameValidator = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/** Kubernetes' IsValidUserID / IsValidGroupID range. */
export function isValidID(id: number): string[] {
  return id >= 0 && id <= MAX_INT32 ? [] : [`must be between 0 and ${MAX_INT32}, inclusive`];
}

export function validateFileMode(mode: number | undefined, path: FieldPath): FieldError[] {
  return mode !== undefined && (mode > 0o777 || mode < 0) ? [field.invalid(path, mode, FILE_MODE_ERROR_MSG)] : [];
}

/** An IntOrString as its JSON value: the string when one is set, else the number. */
export function intOrStringValue(value: { intVal?: number; strVal?: string } | undefined): number | string {
  return value?.strVal ? value.strVal : (value?.intVal ?? 0);
}

export function validateDNS1123Label(value: string, path: FieldPath): FieldError[] {
  return invalidEach(path, value, isDNS1123Label(value));
}
