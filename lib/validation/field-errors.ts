/**
 * Field paths and field-level validation errors, printed exactly like Kubernetes'
 * k8s.io/apimachinery/pkg/util/validation/field: `spec.containers[0].image: Required value`.
 *
 * Use as a namespace to read like the Go code: `import * as field from './field-errors.js'`, then
 * `field.invalid(field.root('metadata').child('name'), name, msg)`.
 */
import { goQuote } from './go-quote.js';

/** A path from an object's root to one field: `spec.containers[0].image`. Immutable. */
export class FieldPath {
  private constructor(
    private readonly name: string,
    /** Set instead of a name when this element subscripts its parent (`[0]`, `[key]`). */
    private readonly subscript: string | undefined,
    private readonly parent: FieldPath | undefined,
  ) {}

  // Validation makes paths for every field it looks at, valid or not: one name, the common case, is one allocation.
  static root(name: string, ...moreNames: string[]): FieldPath {
    const path = new FieldPath(name, undefined, undefined);
    return moreNames.length === 0 ? path : path.child(...(moreNames as [string, ...string[]]));
  }

  child(name: string, ...moreNames: string[]): FieldPath {
    let path = new FieldPath(name, undefined, this);
    for (const n of moreNames) path = new FieldPath(n, undefined, path);
    return path;
  }

  index(index: number): FieldPath {
    return new FieldPath('', String(index), this);
  }

  key(key: string): FieldPath {
    return new FieldPath('', key, this);
  }

  toString(): string {
    const elements: FieldPath[] = [];
    for (let p: FieldPath | undefined = this; p !== undefined; p = p.parent) elements.unshift(p);
    let out = '';
    for (const p of elements) {
      if (p.subscript !== undefined) {
        out += `[${p.subscript}]`;
      } else {
        if (p.parent !== undefined && p.name.length > 0) out += '.';
        out += p.name.length > 0 ? p.name : '[]';
      }
    }
    return out;
  }
}

/** Starts a path: `root('spec').child('containers').index(0)`. */
export function root(name: string, ...moreNames: string[]): FieldPath {
  return FieldPath.root(name, ...moreNames);
}

/** Kubernetes' field.ErrorType values; they are also the `reason` of a Status cause. */
export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Types whose message never shows the offending value. */
const VALUELESS_TYPES = new Set<FieldErrorType>([
  'FieldValueRequired',
  'FieldValueForbidden',
  'FieldValueTooLong',
  'InternalError',
]);

/** A bad value that should not be printed (Kubernetes' omitValue). */
export const OMIT_VALUE: unique symbol = Symbol('omitValue');

/** A path, or an already-rendered field string such as `<nil>` (what Kubernetes prints for no path). */
export type FieldRef = FieldPath | string;

export class FieldError extends Error {
  override readonly name = 'FieldError';
  readonly field: string;

  constructor(
    readonly type: FieldErrorType,
    field: FieldRef,
    readonly badValue: unknown,
    readonly detail: string,
  ) {
    const fieldText = field.toString();
    super(`${fieldText}: ${errorBody(type, badValue, detail)}`);
    this.field = fieldText;
  }

  /** The message without the field name; Kubernetes puts this in a Status cause's `message`. */
  errorBody(): string {
    return errorBody(this.type, this.badValue, this.detail);
  }

  /** `field: body`, exactly Kubernetes' field.Error.Error(). */
  override toString(): string {
    return this.message;
  }
}

function errorBody(type: FieldErrorType, badValue: unknown, detail: string): string {
  let body = TYPE_TEXT[type];
  if (!VALUELESS_TYPES.has(type) && badValue !== OMIT_VALUE) body += `: ${renderValue(badValue)}`;
  return detail.length > 0 ? `${body}: ${detail}` : body;
}

/** Renders a bad value as Go's `%v` / `%q` / json.Marshal would in Kubernetes. */
function renderValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return goQuote(value);
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      return goJson(value);
  }
}

/** json.Marshal output: HTML-sensitive characters are escaped, as Go does by default. */
function goJson(value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
  } catch {
    return String(value);
  }
  if (json === undefined) return 'null';
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function required(field: FieldRef, detail = ''): FieldError {
  return new FieldError('FieldValueRequired', field, '', detail);
}

export function invalid(field: FieldRef, value: unknown, detail: string): FieldError {
  return new FieldError('FieldValueInvalid', field, value, detail);
}

export function typeInvalid(field: FieldRef, value: unknown, detail: string): FieldError {
  return new FieldError('FieldValueTypeInvalid', field, value, detail);
}

export function notFound(field: FieldRef, value: unknown): FieldError {
  return new FieldError('FieldValueNotFound', field, value, '');
}

export function duplicate(field: FieldRef, value: unknown): FieldError {
  return new FieldError('FieldValueDuplicate', field, value, '');
}

/** `Unsupported value: "x": supported values: "a", "b"`. */
export function notSupported(field: FieldRef, value: unknown, validValues: readonly string[]): FieldError {
  const detail = validValues.length > 0 ? `supported values: ${validValues.map(goQuote).join(', ')}` : '';
  return new FieldError('FieldValueNotSupported', field, value, detail);
}

export function forbidden(field: FieldRef, detail: string): FieldError {
  return new FieldError('FieldValueForbidden', field, '', detail);
}

/** `Too long: may not be more than 63 bytes`; a negative maximum gives a generic message. */
export function tooLong(field: FieldRef, maxLength: number): FieldError {
  const detail =
    maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}` : 'value is too long';
  return new FieldError('FieldValueTooLong', field, '<value omitted>', detail);
}

/** `Too many: 5: must have at most 3 items`; negative numbers leave out that part. */
export function tooMany(field: FieldRef, actualQuantity: number, maxQuantity: number): FieldError {
  const detail =
    maxQuantity >= 0 ? `must have at most ${maxQuantity} ${maxQuantity === 1 ? 'item' : 'items'}` : 'has too many items';
  return new FieldError('FieldValueTooMany', field, actualQuantity >= 0 ? actualQuantity : OMIT_VALUE, detail);
}

export function internalError(field: FieldRef, err: Error | string): FieldError {
  return new FieldError('InternalError', field, null, typeof err === 'string' ? err : err.message);
}

/**
 * Joins error messages like Kubernetes' aggregate error: one message alone, several as
 * `[a, b]`, duplicates dropped, and '' for none.
 */
export function aggregate(errors: ReadonlyArray<Error | string>): string {
  const messages = [...new Set(errors.map((e) => (typeof e === 'string' ? e : e.message)))];
  if (messages.length === 0) return '';
  if (messages.length === 1) return messages[0] as string;
  return `[${messages.join(', ')}]`;
}
