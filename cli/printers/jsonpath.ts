import { goJSON, type JsonValue } from './go-values.js';

// kubectl's JSONPath templates (`-o jsonpath=...`, custom-columns): text with `{...}` actions
// holding paths (`.items[*].metadata.name`, `..image`, `[?(@.type=="Ready")].status`), quoted
// literals (`{"\n"}`) and `{range ...}{end}` loops. Written here rather than wrapping jsonpath-plus:
// the template layer (text, literals, range/end) is most of the work, and kubectl's semantics differ
// from JSONPath libraries in the details that show (missing keys print nothing, `[?(@.x)]` tests
// presence, several results join with spaces, maps print as Go's sorted JSON).

export class JSONPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JSONPathError';
  }
}

type Operator = '==' | '!=' | '<=' | '>=' | '<' | '>';
type Operand = { kind: 'literal'; value: JsonValue } | { kind: 'path'; steps: Step[] };
interface Filter {
  left: Step[];
  operator?: Operator;
  right?: Operand;
}
type ArrayItem = { kind: 'index'; index: number } | { kind: 'slice'; start?: number; end?: number; step?: number };

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'recursive' }
  | { kind: 'array'; items: ArrayItem[] }
  | { kind: 'keys'; keys: string[] }
  | { kind: 'filter'; filter: Filter };

type TemplateNode = { kind: 'text'; text: string } | { kind: 'path'; steps: Step[] } | { kind: 'range'; steps: Step[]; body: TemplateNode[] };

const isObject = (v: JsonValue): v is { [key: string]: JsonValue } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Index of the character closing the construct opened before `from`, skipping quoted text. */
function findClosing(text: string, from: number, open: string, close: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === open || (open === '[' && ch === '(')) {
      depth++;
    } else if (ch === close || (open === '[' && ch === ')')) {
      if (depth === 0 && ch === close) return i;
      depth--;
    }
  }
  return -1;
}

/** Single-quoted text rewritten with double quotes, so that one JSON parse unescapes both kinds. */
function asDoubleQuoted(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '\\' && body[i + 1] === "'") out += body[++i];
    else if (ch === '\\') out += ch + (body[++i] ?? '');
    else if (ch === '"') out += '\\"';
    else out += ch;
  }
  return out;
}

function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  try {
    return JSON.parse(`"${literal[0] === "'" ? asDoubleQuoted(body) : body}"`) as string;
  } catch {
    throw new JSONPathError(`invalid string literal ${literal}`);
  }
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quote: string | undefined;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') current += ch + (text[++i] ?? '');
      else {
        if (ch === quote) quote = undefined;
        current += ch;
      }
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
    } else if (ch === separator) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim());
}

function parseInteger(text: string, expression: string): number | undefined {
  if (text === '') return undefined;
  if (!/^-?\d+$/.test(text)) throw new JSONPathError(`invalid array index ${text} in ${expression}`);
  return Number(text);
}

function parseOperand(text: string, expression: string): Operand {
  if (text.startsWith('@') || text.startsWith('$') || text.startsWith('.')) return { kind: 'path', steps: parsePath(text, expression) };
  if (text.startsWith('"') || text.startsWith("'")) return { kind: 'literal', value: unquote(text) };
  if (text === 'true' || text === 'false') return { kind: 'literal', value: text === 'true' };
  if (/^-?\d+(\.\d+)?$/.test(text)) return { kind: 'literal', value: Number(text) };
  return { kind: 'literal', value: text };
}

const OPERATORS: Operator[] = ['==', '!=', '<=', '>=', '<', '>'];

function parseFilter(text: string, expression: string): Filter {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      continue;
    }
    const operator = OPERATORS.find((op) => text.startsWith(op, i));
    if (operator) {
      return {
        left: parsePath(text.slice(0, i).trim(), expression),
        operator,
        right: parseOperand(text.slice(i + operator.length).trim(), expression),
      };
    }
  }
  return { left: parsePath(text.trim(), expression) };
}

function parseBracket(content: string, expression: string): Step {
  if (content === '*') return { kind: 'wildcard' };
  if (content.startsWith('?(') && content.endsWith(')')) return { kind: 'filter', filter: parseFilter(content.slice(2, -1), expression) };
  if (content.startsWith('"') || content.startsWith("'")) return { kind: 'keys', keys: splitOutsideQuotes(content, ',').map(unquote) };
  const items = splitOutsideQuotes(content, ',').map((part): ArrayItem => {
    if (!part.includes(':')) {
      const index = parseInteger(part, expression);
      if (index === undefined) throw new JSONPathError(`invalid array index in ${expression}`);
      return { kind: 'index', index };
    }
    const [start, end, step] = part.split(':').map((p) => parseInteger(p.trim(), expression));
    return { kind: 'slice', start, end, step };
  });
  return { kind: 'array', items };
}

/** Parses a path such as `.items[*].metadata.name` into steps. */
function parsePath(text: string, expression: string): Step[] {
  const steps: Step[] = [];
  let i = text.startsWith('$') || text.startsWith('@') ? 1 : 0;
  while (i < text.length) {
    if (text.startsWith('..', i)) {
      steps.push({ kind: 'recursive' });
      i += 2;
      if (text[i] === '[') continue;
    } else if (text[i] === '.') {
      i++;
    } else if (text[i] === '[') {
      const end = findClosing(text, i + 1, '[', ']');
      if (end < 0) throw new JSONPathError(`unterminated array in ${expression}`);
      steps.push(parseBracket(text.slice(i + 1, end).trim(), expression));
      i = end + 1;
      continue;
    } else {
      throw new JSONPathError(`unrecognized identifier ${text.slice(i)} in ${expression}`);
    }
    let name = '';
    while (i < text.length && text[i] !== '.' && text[i] !== '[') {
      if (text[i] === '\\' && text[i + 1] === '.') i++;
      name += text[i++];
    }
    if (name === '*') steps.push({ kind: 'wildcard' });
    else if (name !== '') steps.push({ kind: 'field', name });
  }
  return steps;
}

/** Parses a kubectl JSONPath template; throws JSONPathError as kubectl reports parse errors. */
function parseTemplate(template: string): TemplateNode[] {
  const root: TemplateNode[] = [];
  const stack: TemplateNode[][] = [root];
  const current = (): TemplateNode[] => stack[stack.length - 1]!;
  let text = '';
  const flush = (): void => {
    if (text) current().push({ kind: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < template.length) {
    if (template[i] !== '{') {
      text += template[i++];
      continue;
    }
    flush();
    const end = findClosing(template, i + 1, '{', '}');
    if (end < 0) throw new JSONPathError(`error parsing jsonpath ${template}, unclosed action`);
    const action = template.slice(i + 1, end).trim();
    i = end + 1;
    try {
      if (action === 'end') {
        if (stack.length === 1) throw new JSONPathError('not in range, nothing to end');
        stack.pop();
      } else if (action.startsWith('range ') || action === 'range') {
        const body: TemplateNode[] = [];
        current().push({ kind: 'range', steps: parsePath(action.slice('range'.length).trim(), action), body });
        stack.push(body);
      } else if ((action.startsWith('"') && action.endsWith('"')) || (action.startsWith("'") && action.endsWith("'") && action.length > 1)) {
        current().push({ kind: 'text', text: unquote(action) });
      } else if (action !== '') {
        current().push({ kind: 'path', steps: parsePath(action, action) });
      }
    } catch (err) {
      if (err instanceof JSONPathError && !err.message.startsWith('error parsing')) {
        throw new JSONPathError(`error parsing jsonpath ${template}, ${err.message}`);
      }
      throw err;
    }
  }
  flush();
  return root;
}

function children(value: JsonValue): JsonValue[] {
  if (Array.isArray(value)) return value;
  if (isObject(value)) return Object.keys(value).sort().map((k) => value[k]!);
  return [];
}

/** kubectl's `..`: every value below (and including) these that has children, depth first. */
function descend(values: JsonValue[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const v of values) {
    const kids = children(v);
    if (kids.length === 0) continue;
    out.push(v, ...descend(kids));
  }
  return out;
}

function selectArray(array: JsonValue[], items: ArrayItem[]): JsonValue[] {
  const n = array.length;
  const normalize = (i: number): number => (i < 0 ? i + n : i);
  const out: JsonValue[] = [];
  for (const item of items) {
    if (item.kind === 'index') {
      const i = normalize(item.index);
      if (i >= 0 && i < n) out.push(array[i]!);
      continue;
    }
    const start = Math.max(0, Math.min(n, normalize(item.start ?? 0)));
    const end = Math.max(0, Math.min(n, normalize(item.end ?? n)));
    const step = item.step && item.step > 0 ? item.step : 1;
    for (let i = start; i < end; i += step) out.push(array[i]!);
  }
  return out;
}

function compare(left: JsonValue, right: JsonValue, operator: Operator): boolean {
  const comparable = (typeof left === 'number' && typeof right === 'number') || (typeof left === 'string' && typeof right === 'string');
  switch (operator) {
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return comparable && left! < right!;
    case '>':
      return comparable && left! > right!;
    case '<=':
      return comparable && left! <= right!;
    case '>=':
      return comparable && left! >= right!;
  }
}

function matches(element: JsonValue, filter: Filter): boolean {
  const lefts = evaluate(filter.left, element);
  if (!filter.operator || !filter.right) return lefts.length > 0;
  const rights = filter.right.kind === 'literal' ? [filter.right.value] : evaluate(filter.right.steps, element);
  if (lefts.length === 0 || rights.length === 0) return false;
  return compare(lefts[0]!, rights[0]!, filter.operator);
}

function apply(step: Step, values: JsonValue[]): JsonValue[] {
  switch (step.kind) {
    case 'field':
      return values.flatMap((v) => (isObject(v) && Object.hasOwn(v, step.name) ? [v[step.name]!] : []));
    case 'wildcard':
      return values.flatMap(children);
    case 'recursive':
      return descend(values);
    case 'array':
      return values.flatMap((v) => (Array.isArray(v) ? selectArray(v, step.items) : []));
    case 'keys':
      return values.flatMap((v) => (isObject(v) ? step.keys.filter((k) => Object.hasOwn(v, k)).map((k) => v[k]!) : []));
    case 'filter':
      return values.flatMap((v) => (Array.isArray(v) ? v.filter((e) => matches(e, step.filter)) : []));
  }
}

function evaluate(steps: Step[], root: JsonValue): JsonValue[] {
  return steps.reduce<JsonValue[]>((values, step) => apply(step, values), [root]);
}

/** A result as kubectl prints it: strings bare, maps and lists as compact Go JSON. */
function resultText(value: JsonValue): string {
  if (value === null) return '<nil>';
  if (typeof value === 'object') return goJSON(value);
  return String(value);
}

/**
 * What each node of the template prints, in order: a text node its text, a path its values, a
 * range the results of its body's nodes for every item.
 */
function nodeResults(nodes: TemplateNode[], data: JsonValue): JsonValue[][] {
  return nodes.flatMap((node) => {
    if (node.kind === 'text') return [[node.text]];
    if (node.kind === 'path') return [evaluate(node.steps, data)];
    return evaluate(node.steps, data).flatMap((item) => nodeResults(node.body, item));
  });
}

/**
 * `-o jsonpath=TEMPLATE` output for a JSON document; missing keys print nothing, as in kubectl get.
 * With `asJSON` (`-o jsonpath-as-json`) each node's results print as an indented JSON list instead.
 */
export function executeJSONPath(template: string, data: JsonValue, { asJSON = false } = {}): string {
  const results = nodeResults(parseTemplate(template), data);
  if (asJSON) return results.map((values) => `${goJSON(values, '    ')}\n`).join('');
  return results.map((values) => values.map(resultText).join(' ')).join('');
}

/** Every value the paths of a template select, in order (what custom-columns prints per cell). */
export function findResults(template: string, data: JsonValue): JsonValue[] {
  return parseTemplate(template).flatMap((node) => (node.kind === 'path' ? evaluate(node.steps, data) : []));
}
