/**
 * Label selectors as Kubernetes' k8s.io/apimachinery/pkg/labels has them: the string syntax used
 * by `-l`/`labelSelector` (`app=web,tier in (a,b),!canary`), metav1.LabelSelector objects
 * (`matchLabels` + `matchExpressions`), and RC-style equality maps.
 *
 * Which function for which input:
 * - {@link parseSelector}: a selector string. `''` selects everything.
 * - {@link selectorFromLabelSelector}: a metav1.LabelSelector. `null`/`undefined` selects NOTHING,
 *   an empty selector `{}` selects EVERYTHING (Kubernetes' LabelSelectorAsSelector).
 * - {@link selectorFromSet}: a ReplicationController/Service style `{key: value}` map. Empty or
 *   missing selects everything; entries are not validated (as in Kubernetes).
 * - {@link labelSelectorToString}: how kubectl prints a metav1.LabelSelector (`<none>` if empty).
 *
 * Error messages are Kubernetes' own texts, so `kubets get -l 'a in b'` fails like kubectl does.
 */
import * as field from '../validation/field-errors.js';
import { FieldError, aggregate } from '../validation/field-errors.js';
import { goQuote } from '../validation/go-quote.js';
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';

/** Kubernetes' selection.Operator values. */
type SelectorOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** Operators in the order Kubernetes lists them in messages. */
const BINARY_OPERATORS: readonly SelectorOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const VALID_OPERATORS: readonly SelectorOperator[] = [...BINARY_OPERATORS, 'exists', '!'];

export interface Requirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/** An object's labels; a missing map has no labels. */
type Labels = Readonly<Record<string, string>> | null | undefined;

/** metav1.LabelSelectorRequirement; optional fields so protobuf-decoded objects fit. */
interface LabelSelectorRequirement {
  key?: string | null;
  operator?: string | null;
  values?: readonly string[] | null;
}

/** metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Readonly<Record<string, string>> | null;
  matchExpressions?: readonly LabelSelectorRequirement[] | null;
}

export interface Selector {
  /** All must match (AND). Empty for both the everything and the nothing selector. */
  readonly requirements: readonly Requirement[];
  matches(labels: Labels): boolean;
  /** True when the selector does not restrict anything (it matches every object). */
  empty(): boolean;
  /** True only for the selector of a null metav1.LabelSelector, which matches no object. */
  matchesNothing(): boolean;
  /** Kubernetes' canonical text: requirements sorted by key, values sorted within `in (...)`. */
  toString(): string;
  /** The single value a key must have (`a=b`, `a==b`, `a in (b)`), for index lookups. */
  requiresExactMatch(key: string): string | undefined;
}

export class LabelSelectorError extends Error {
  override readonly name = 'LabelSelectorError';
  constructor(
    message: string,
    /** Offset in the selector string of the offending token, when parsing a string. */
    readonly position?: number,
    /** The field-level problems behind the message, for an Invalid API status. */
    readonly causes: readonly FieldError[] = [],
  ) {
    super(message);
  }
}

function hasLabel(labels: Labels, key: string): boolean {
  return labels != null && Object.prototype.hasOwnProperty.call(labels, key);
}

function parseInt64(value: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(value)) return undefined;
  const n = BigInt(value);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

/** Whether one requirement holds for a label set (Kubernetes' Requirement.Matches). */
export function requirementMatches(r: Requirement, labels: Labels): boolean {
  const present = hasLabel(labels, r.key);
  const value = present ? (labels as Record<string, string>)[r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return present && r.values.includes(value as string);
    case 'notin':
    case '!=':
      return !present || !r.values.includes(value as string);
    case 'exists':
      return present;
    case '!':
      return !present;
    case 'gt':
    case 'lt': {
      if (!present || r.values.length !== 1) return false;
      const actual = parseInt64(value as string);
      const bound = parseInt64(r.values[0] as string);
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

/** Kubernetes' Requirement.String(). */
export function requirementToString(r: Requirement): string {
  const prefix = r.operator === '!' ? '!' : '';
  const values = r.values.length === 1 ? (r.values[0] as string) : [...r.values].sort().join(',');
  switch (r.operator) {
    case 'exists':
    case '!':
      return `${prefix}${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${values})`;
    case 'gt':
      return `${r.key}>${values}`;
    case 'lt':
      return `${r.key}<${values}`;
    default:
      return `${r.key}${r.operator}${values}`;
  }
}

class RequirementsSelector implements Selector {
  readonly requirements: readonly Requirement[];

  constructor(requirements: readonly Requirement[]) {
    // Sorted by key (stably) so that the text form is deterministic, as in Kubernetes.
    this.requirements = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  matches(labels: Labels): boolean {
    return this.requirements.every((r) => requirementMatches(r, labels));
  }

  empty(): boolean {
    return this.requirements.length === 0;
  }

  matchesNothing(): boolean {
    return false;
  }

  toString(): string {
    return this.requirements.map(requirementToString).join(',');
  }

  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((candidate) => candidate.key === key);
    if (r === undefined || r.values.length !== 1) return undefined;
    return r.operator === '=' || r.operator === '==' || r.operator === 'in' ? r.values[0] : undefined;
  }
}

class NothingSelector implements Selector {
  readonly requirements: readonly Requirement[] = [];
  matches(): boolean {
    return false;
  }
  empty(): boolean {
    return false;
  }
  matchesNothing(): boolean {
    return true;
  }
  toString(): string {
    return '';
  }
  requiresExactMatch(): string | undefined {
    return undefined;
  }
}

const EVERYTHING: Selector = new RequirementsSelector([]);
const NOTHING: Selector = new NothingSelector();

export function nothing(): Selector {
  return NOTHING;
}

/** Builds a selector from requirements (for example ones made with {@link newRequirement}). */
export function selectorFromRequirements(requirements: readonly Requirement[]): Selector {
  return requirements.length === 0 ? EVERYTHING : new RequirementsSelector(requirements);
}

/**
 * Builds a validated requirement (Kubernetes' NewRequirement). Throws a LabelSelectorError whose
 * message joins the problems like Kubernetes' aggregate error.
 */
export function newRequirement(key: string, operator: SelectorOperator, values: readonly string[]): Requirement {
  const causes = requirementErrors(key, operator, values);
  if (causes.length > 0) throw new LabelSelectorError(aggregate(causes), undefined, causes);
  return { key, operator, values: [...values] };
}

function requirementErrors(key: string, operator: SelectorOperator, values: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  const keyErrors = isQualifiedName(key);
  if (keyErrors.length > 0) errs.push(field.invalid('key', key, keyErrors.join('; ')));

  const valuePath = field.root('values');
  // Kubernetes prints the values list as JSON, where an empty (nil) list is `null`.
  const shownValues = values.length > 0 ? values : null;
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) {
        errs.push(field.invalid(valuePath, shownValues, "for 'in', 'notin' operators, values set can't be empty"));
      }
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) {
        errs.push(field.invalid(valuePath, shownValues, 'exact-match compatibility requires one single value'));
      }
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) {
        errs.push(field.invalid(valuePath, shownValues, 'values set must be empty for exists and does not exist'));
      }
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) {
        errs.push(field.invalid(valuePath, shownValues, "for 'Gt', 'Lt' operators, exactly one value is required"));
      }
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(field.invalid(valuePath.index(i), v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
    default:
      errs.push(field.notSupported(field.root('operator'), operator, VALID_OPERATORS));
  }

  values.forEach((v, i) => {
    const valueErrors = isValidLabelValue(v);
    if (valueErrors.length > 0) errs.push(field.invalid(valuePath.index(i).key(key), v, valueErrors.join('; ')));
  });
  return errs;
}

type TokenKind =
  | 'end'
  | 'identifier'
  | '('
  | ')'
  | ','
  | '!'
  | '='
  | '=='
  | '!='
  | '>'
  | '<'
  | 'in'
  | 'notin';

interface Token {
  kind: TokenKind;
  literal: string;
  position: number;
}

const WHITESPACE = new Set([' ', '\t', '\r', '\n']);
const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const TWO_CHAR_OPERATORS = new Set(['==', '!=']);

/** Splits a selector string into tokens the way Kubernetes' label Lexer does. */
function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    while (pos < input.length && WHITESPACE.has(input[pos] as string)) pos++;
    if (pos >= input.length) {
      tokens.push({ kind: 'end', literal: '', position: pos });
      return tokens;
    }
    const start = pos;
    if (SPECIAL.has(input[pos] as string)) {
      const two = input.slice(pos, pos + 2);
      const literal = TWO_CHAR_OPERATORS.has(two) ? two : (input[pos] as string);
      pos += literal.length;
      tokens.push({ kind: literal as TokenKind, literal, position: start });
      continue;
    }
    while (pos < input.length && !SPECIAL.has(input[pos] as string) && !WHITESPACE.has(input[pos] as string)) pos++;
    const literal = input.slice(start, pos);
    const kind: TokenKind = literal === 'in' || literal === 'notin' ? literal : 'identifier';
    tokens.push({ kind, literal, position: start });
  }
}

/**
 * Where a token is read: `in` and `notin` are operators after a key but plain words where a key
 * or value is expected (`in in (in)` is a valid selector).
 */
type Context = 'keyAndOperator' | 'values';

class SelectorParser {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const next = this.lookahead('values');
      if (next.kind === 'end') return requirements;
      if (next.kind !== 'identifier' && next.kind !== '!') {
        throw this.error(`found '${next.literal}', expected: !, identifier, or 'end of string'`, next);
      }
      requirements.push(this.parseRequirementWithPrefix());
      const after = this.consume('values');
      if (after.kind === 'end') return requirements;
      if (after.kind !== ',') throw this.error(`found '${after.literal}', expected: ',' or 'end of string'`, after);
      const following = this.lookahead('values');
      if (following.kind !== 'identifier' && following.kind !== '!') {
        throw this.error(`found '${following.literal}', expected: identifier after ','`, following);
      }
    }
  }

  private parseRequirementWithPrefix(): Requirement {
    try {
      return this.parseRequirement();
    } catch (e) {
      if (!(e instanceof LabelSelectorError)) throw e;
      throw new LabelSelectorError(`unable to parse requirement: ${e.message}`, e.position, e.causes);
    }
  }

  private parseRequirement(): Requirement {
    const start = this.lookahead('values');
    const { key, operator: inferred } = this.parseKeyAndInferOperator();
    if (inferred !== undefined) return this.validated(key, inferred, [], start);
    const operator = this.parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    return this.validated(key, operator, [...values].sort(), start);
  }

  private validated(key: string, operator: SelectorOperator, values: string[], start: Token): Requirement {
    try {
      return newRequirement(key, operator, values);
    } catch (e) {
      if (!(e instanceof LabelSelectorError)) throw e;
      throw new LabelSelectorError(e.message, start.position, e.causes);
    }
  }

  private parseKeyAndInferOperator(): { key: string; operator: SelectorOperator | undefined } {
    let operator: SelectorOperator | undefined;
    let token = this.consume('values');
    if (token.kind === '!') {
      operator = '!';
      token = this.consume('values');
    }
    if (token.kind !== 'identifier') throw this.error(`found '${token.literal}', expected: identifier`, token);
    const keyErrors = isQualifiedName(token.literal);
    if (keyErrors.length > 0) {
      // Kubernetes validates the key with a nil field path, which prints as `<nil>`.
      const cause = field.invalid('<nil>', token.literal, keyErrors.join('; '));
      throw new LabelSelectorError(cause.message, token.position, [cause]);
    }
    const next = this.lookahead('values').kind;
    if ((next === 'end' || next === ',') && operator === undefined) operator = 'exists';
    return { key: token.literal, operator };
  }

  private parseOperator(): SelectorOperator {
    const token = this.consume('keyAndOperator');
    switch (token.kind) {
      case 'in':
      case 'notin':
      case '=':
      case '==':
      case '!=':
        return token.kind;
      case '>':
        return 'gt';
      case '<':
        return 'lt';
      default:
        throw this.error(`found '${token.literal}', expected: ${BINARY_OPERATORS.join(', ')}`, token);
    }
  }

  /** `(a,b,c)`; empty entries stand for the empty value, and duplicates collapse. */
  private parseValues(): Set<string> {
    const open = this.consume('values');
    if (open.kind !== '(') throw this.error(`found '${open.literal}' expected: '('`, open);
    const first = this.lookahead('values');
    if (first.kind === ')') {
      this.consume('values');
      return new Set(['']);
    }
    if (first.kind !== 'identifier' && first.kind !== ',') {
      throw this.error(`found '${first.literal}', expected: ',', ')' or identifier`, first);
    }
    const values = this.parseIdentifiersList();
    this.consume('values');
    return values;
  }

  private parseIdentifiersList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const token = this.consume('values');
      if (token.kind === 'identifier') {
        values.add(token.literal);
        const next = this.lookahead('values');
        if (next.kind === ')') return values;
        if (next.kind !== ',') throw this.error(`found '${next.literal}', expected: ',' or ')'`, next);
      } else if (token.kind === ',') {
        if (values.size === 0) values.add('');
        const next = this.lookahead('values').kind;
        if (next === ',' || next === ')') values.add('');
        if (next === ')') return values;
      } else {
        throw this.error(`found '${token.literal}', expected: ',', or identifier`, token);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const next = this.lookahead('values');
    if (next.kind === 'end' || next.kind === ',') return new Set(['']);
    const token = this.consume('values');
    if (token.kind !== 'identifier') throw this.error(`found '${token.literal}', expected: identifier`, token);
    return new Set([token.literal]);
  }

  private lookahead(context: Context): Token {
    return this.inContext(this.tokens[this.index] as Token, context);
  }

  private consume(context: Context): Token {
    const token = this.lookahead(context);
    // The end token is never stepped over, so every later lookahead still sees it.
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private inContext(token: Token, context: Context): Token {
    if (context === 'values' && (token.kind === 'in' || token.kind === 'notin')) {
      return { ...token, kind: 'identifier' };
    }
    return token;
  }

  private error(message: string, token: Token): LabelSelectorError {
    return new LabelSelectorError(message, token.position);
  }
}

/**
 * Parses a label selector string (Kubernetes' labels.Parse):
 * `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`, `a<1`, joined by commas.
 * Throws LabelSelectorError with Kubernetes' message and the offending token's position.
 */
export function parseSelector(selector: string): Selector {
  return selectorFromRequirements(new SelectorParser(lex(selector)).parse());
}

/** An equality selector matching exactly the given labels; not validated (Kubernetes' SelectorFromSet). */
export function selectorFromSet(set: Labels): Selector {
  if (set == null) return EVERYTHING;
  return selectorFromRequirements(Object.entries(set).map(([key, value]) => ({ key, operator: '=', values: [value] })));
}

const LABEL_SELECTOR_OPERATORS: Readonly<Record<string, SelectorOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * Converts a metav1.LabelSelector (Kubernetes' LabelSelectorAsSelector). A null or undefined
 * selector matches nothing; an empty one matches everything. Throws LabelSelectorError when a key,
 * value or operator is invalid.
 */
export function selectorFromLabelSelector(ls: LabelSelector | null | undefined): Selector {
  if (ls == null) return NOTHING;
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(ls.matchLabels ?? {})) {
    requirements.push(newRequirement(key, '=', [value]));
  }
  for (const expression of ls.matchExpressions ?? []) {
    const operatorName = expression.operator ?? '';
    const operator = Object.prototype.hasOwnProperty.call(LABEL_SELECTOR_OPERATORS, operatorName)
      ? LABEL_SELECTOR_OPERATORS[operatorName]
      : undefined;
    if (operator === undefined) {
      throw new LabelSelectorError(`${goQuote(operatorName)} is not a valid label selector operator`);
    }
    requirements.push(newRequirement(expression.key ?? '', operator, expression.values ?? []));
  }
  return selectorFromRequirements(requirements);
}

/** What kubectl prints for a metav1.LabelSelector: `app=mysql,tier in (a,b)`, `<none>`, `<error>`. */
export function labelSelectorToString(ls: LabelSelector | null | undefined): string {
  let text: string;
  try {
    text = selectorFromLabelSelector(ls).toString();
  } catch (e) {
    if (e instanceof LabelSelectorError) return '<error>';
    throw e;
  }
  return text.length > 0 ? text : '<none>';
}
