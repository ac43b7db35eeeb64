/**
 * Field selectors as Kubernetes' k8s.io/apimachinery/pkg/fields parses them:
 * `metadata.name=foo,spec.nodeName!=,status.phase==Running`.
 *
 * Only the syntax lives here. Which fields a resource supports (and the `field label not
 * supported` error) is the apiserver's business; it reads {@link FieldSelector.requirements}.
 * Like Kubernetes, field names are taken verbatim (no whitespace trimming), and `\,`, `\=` and
 * `\\` escape those characters inside values.
 */

type FieldSelectorOperator = '=' | '!=';

export interface FieldRequirement {
  readonly field: string;
  /** `==` parses as `=`. */
  readonly op: FieldSelectorOperator;
  readonly value: string;
}

/** Reads one field of an object; an absent field reads as the empty string. */
type FieldGetter = (field: string) => string | undefined;

export interface FieldSelector {
  /** All must hold (AND), in Kubernetes' order (sorted by their text). */
  readonly requirements: readonly FieldRequirement[];
  matches(getField: FieldGetter): boolean;
  /** True when the selector does not restrict anything. */
  empty(): boolean;
  /** The canonical text, values escaped: `metadata.name=foo,spec.nodeName!=`. */
  toString(): string;
  /** The value a field must equal, for index lookups (`spec.nodeName=node-1` → `node-1`). */
  requiresExactMatch(field: string): string | undefined;
}

export class FieldSelectorError extends Error {
  override readonly name = 'FieldSelectorError';
}

/** Escapes `\`, `,` and `=` so any literal can be used as a field selector value. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Reverses {@link escapeFieldValue}; rejects unknown escapes and bare `,` or `=` like Kubernetes. */
export function unescapeFieldValue(value: string): string {
  let out = '';
  let inSlash = false;
  for (const c of value) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') {
        throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Kubernetes prints the rune as a number here (Go's %v of a rune).
      throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Splits on commas that are not escaped; escapes stay in the terms. */
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

// `!=` and `==` are tried before `=` at each position so that no `=` is left on either side.
const TERM_OPERATORS = ['!=', '==', '='] as const;

/** Splits a term at the first operator; field names cannot contain escapes. */
function splitTerm(term: string): { field: string; operator: (typeof TERM_OPERATORS)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const operator of TERM_OPERATORS) {
      if (term.startsWith(operator, i)) {
        return { field: term.slice(0, i), operator, rhs: term.slice(i + operator.length) };
      }
    }
  }
  return undefined;
}

/** Go's sort.Strings order: by UTF-8 bytes. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

class RequirementsFieldSelector implements FieldSelector {
  constructor(readonly requirements: readonly FieldRequirement[]) {}

  matches(getField: FieldGetter): boolean {
    return this.requirements.every((r) => ((getField(r.field) ?? '') === r.value) === (r.op === '='));
  }

  empty(): boolean {
    return this.requirements.length === 0;
  }

  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.op}${escapeFieldValue(r.value)}`).join(',');
  }

  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.op === '=' && r.field === field)?.value;
  }
}

/**
 * Parses a field selector (Kubernetes' fields.ParseSelector). `''` selects everything. Throws
 * FieldSelectorError with Kubernetes' message for a term without an operator or a bad escape.
 */
export function parseFieldSelector(selector: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  for (const term of splitTerms(selector).sort(compareBytes)) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (parts === undefined) {
      throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${term}'`);
    }
    const value = unescapeFieldValue(parts.rhs);
    // Kubernetes drops a term whose field and value are both empty (a bare `=`).
    if (parts.field === '' && value === '') continue;
    requirements.push({ field: parts.field, op: parts.operator === '!=' ? '!=' : '=', value });
  }
  return new RequirementsFieldSelector(requirements);
}
