import type { JsonValue } from './go-values.js';

// kubectl prints YAML by decoding an object's JSON into Go maps and encoding them with go-yaml v2
// (through sigs.k8s.io/yaml). Its output has habits no YAML library for JavaScript shares, so this
// writer reproduces them for plain JSON values:
// - map keys in go-yaml's order: digit runs compare as numbers (a9 < a10), and a character that is
//   not a letter sorts before one that is (_a < A_ < a);
// - a string that would read back as something else (yes, on, 123, 1.0, 2026-01-01, 12:30, ~, "")
//   is double-quoted; one that only breaks plain YAML's syntax ('a: b', ' lead', '- x') is
//   single-quoted; one holding control characters is double-quoted with escapes;
// - a string with line breaks is a literal block (|, |-, |+, |2-) unless it has a space before a
//   break, which makes it double-quoted;
// - a long line is folded at the first space after column 80 (so lines may run past 80), with the
//   continuation indented one step under its key.

const INDENT = 2;
const BEST_WIDTH = 80;

type Style = 'plain' | 'single' | 'double' | 'literal';

/** What libyaml's scalar analysis finds in a string, reduced to the styles it allows. */
interface Allowed {
  plain: boolean;
  single: boolean;
  literal: boolean;
}

function isLetter(ch: string): boolean {
  return /\p{L}/u.test(ch);
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

/** The number spelled by the digits of `chars` from `from`, and where they end. */
function digitRun(chars: readonly string[], from: number, start: number): [value: number, end: number] {
  let value = start;
  let end = from;
  while (isDigit(chars[end])) value = value * 10 + Number(chars[end++]);
  return [value, end];
}

/**
 * go-yaml's order of two map keys, as a "less than": at the first difference, letters compare by
 * code point and a non-letter goes before a letter; two non-letters compare by the numbers their
 * digit runs spell, a zero inside a longer number counting as part of it.
 */
function goYamlKeyLess(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const xl = isLetter(x);
    const yl = isLetter(y);
    if (xl && yl) return x.codePointAt(0)! < y.codePointAt(0)!;
    if (xl || yl) return yl;
    let start = 0;
    if (x === '0' || y === '0') {
      for (let j = i - 1; j >= 0 && isDigit(a[j]); j--) {
        if (a[j] !== '0') {
          start = 1;
          break;
        }
      }
    }
    const [an, ae] = digitRun(a, i, start);
    const [bn, be] = digitRun(b, i, start);
    if (an !== bn) return an < bn;
    if (ae !== be) return ae < be;
    return x.codePointAt(0)! < y.codePointAt(0)!;
  }
  return a.length < b.length;
}

/**
 * Keys in go-yaml's order. That order is not transitive for some mixes of digits and letters
 * (a10 < a1b < a01b < a10); kubectl's own order of such keys then changes from run to run, as Go
 * sorts them from a map's random iteration order.
 */
export function goYamlKeyOrder(keys: readonly string[]): string[] {
  return keys
    .map((k) => ({ k, chars: [...k] }))
    .sort((p, q) => (goYamlKeyLess(p.chars, q.chars) ? -1 : goYamlKeyLess(q.chars, p.chars) ? 1 : 0))
    .map((p) => p.k);
}

const NON_STRINGS = new Set(
  [
    ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'],
    ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'],
    ['', '~', 'null', 'Null', 'NULL'],
    ['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF'],
  ].flat(),
);

const INTEGER = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const BASE_60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const TIMESTAMP = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d{1,2}(?::\d{2})?))?)?$/;

function isTimestamp(s: string): boolean {
  const m = TIMESTAMP.exec(s);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[3]) >= 1 && Number(m[3]) <= 31;
}

/** Whether go-yaml would read the string back, unquoted, as something other than a string. */
function readsAsNonString(s: string): boolean {
  if (NON_STRINGS.has(s) || BASE_60_FLOAT.test(s)) return true;
  if (!/^[-+.0-9]/.test(s)) return false;
  const plain = s.replaceAll('_', '');
  if (INTEGER.test(plain) || isTimestamp(s)) return true;
  // A float too large for Go's float64 fails to parse and stays a string.
  return FLOAT.test(plain) && Number.isFinite(Number(plain));
}

/** Characters go-yaml writes as they are; anything else needs a double-quoted escape. */
function isPrintable(code: number): boolean {
  return code === 0x0a || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff);
}

const isBlank = (ch: string | undefined): boolean => ch === undefined || ch === ' ' || ch === '\t' || ch === '\n';

/** libyaml's scalar analysis: which styles may carry the string. */
function analyze(s: string): Allowed {
  const chars = [...s];
  let flowIndicators = false;
  let blockIndicators = s.startsWith('---') || s.startsWith('...');
  let special = false;
  let lineBreaks = false;
  let spaceBreak = false;
  let breakSpace = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByBlank = true;
  chars.forEach((ch, i) => {
    const followedByBlank = isBlank(chars[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      else if ((ch === '?' || ch === ':' || ch === '-') && followedByBlank) blockIndicators = true;
      if ('#,[]{}&*!|>\'"%@`?:'.includes(ch) || (ch === '-' && followedByBlank)) flowIndicators = true;
    } else {
      if (',?[]{}:'.includes(ch)) flowIndicators = true;
      if (ch === ':' && followedByBlank) blockIndicators = true;
      if (ch === '#' && precededByBlank) blockIndicators = flowIndicators = true;
    }
    if (!isPrintable(ch.codePointAt(0)!)) special = true;
    if (ch === ' ') {
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (ch === '\n') {
      lineBreaks = true;
      if (previousSpace) spaceBreak = true;
      previousBreak = true;
      previousSpace = false;
    } else {
      previousSpace = previousBreak = false;
    }
    precededByBlank = isBlank(ch);
  });
  const leading = s.startsWith(' ') || s.startsWith('\n');
  const trailing = s.endsWith(' ') || s.endsWith('\n');
  const quotedOnly = spaceBreak || special;
  return {
    plain: !quotedOnly && !breakSpace && !leading && !trailing && !lineBreaks && !blockIndicators && s !== '',
    single: !quotedOnly && !breakSpace,
    literal: !quotedOnly && !s.endsWith(' '),
  };
}

/** The style go-yaml picks: it asks for one, and its emitter falls back when the string forbids it. */
function styleOf(s: string, isKey: boolean): Style {
  const allowed = analyze(s);
  if (s.includes('\n')) return allowed.literal && !isKey ? 'literal' : 'double';
  if (readsAsNonString(s)) return 'double';
  if (allowed.plain) return 'plain';
  return allowed.single ? 'single' : 'double';
}

const ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\b': 'b',
  '\t': 't',
  '\n': 'n',
  '\v': 'v',
  '\f': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\u2028': 'L',
  '\u2029': 'P',
};

function escaped(ch: string): string {
  const named = ESCAPES[ch];
  if (named) return `\\${named}`;
  const code = ch.codePointAt(0)!;
  const hex = code.toString(16).toUpperCase();
  if (code <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  return code <= 0xffff ? `\\u${hex.padStart(4, '0')}` : `\\U${hex.padStart(8, '0')}`;
}

/**
 * A flow scalar (plain, single- or double-quoted) starting at `column`, folded at a space once a
 * line has passed the width; continuation lines start at `indent`.
 */
function flowScalar(s: string, style: Exclude<Style, 'literal'>, column: number, indent: number, fold: boolean): string {
  const chars = [...s];
  const quote = style === 'single' ? "'" : style === 'double' ? '"' : '';
  let out = quote;
  let col = column + quote.length;
  let afterSpace = false;
  chars.forEach((ch, i) => {
    const escape = style === 'double' && (!isPrintable(ch.codePointAt(0)!) || ch === '\n' || ch === '"' || ch === '\\');
    if (ch === ' ' && !escape) {
      const inside = style === 'plain' || (i !== 0 && i !== chars.length - 1);
      const nextIsSpace = chars[i + 1] === ' ';
      if (fold && !afterSpace && col > BEST_WIDTH && inside && (style === 'double' || !nextIsSpace)) {
        out += `\n${' '.repeat(indent)}`;
        col = indent;
        if (nextIsSpace) {
          out += '\\';
          col++;
        }
      } else {
        out += ' ';
        col++;
      }
      afterSpace = true;
      return;
    }
    const text = escape ? escaped(ch) : style === 'single' && ch === "'" ? "''" : ch;
    out += text;
    col += [...text].length;
    afterSpace = false;
  });
  return out + quote;
}

/** A literal block: its header (indentation indicator when it starts with a blank, chomping) and lines. */
function literalBlock(s: string, indent: number): string {
  const indicator = s.startsWith(' ') || s.startsWith('\n') ? String(INDENT) : '';
  const chomp = !s.endsWith('\n') ? '-' : s.length === 1 || s.endsWith('\n\n') ? '+' : '';
  const body = s.endsWith('\n') ? s.slice(0, -1) : s;
  const lines = body.split('\n').map((line) => (line === '' ? '' : ' '.repeat(indent) + line));
  return `|${indicator}${chomp}\n${lines.join('\n')}`;
}

/** A string as a map value or list item starting at `column`; wrapped or block lines go at `indent`. */
function stringScalar(s: string, column: number, indent: number): string {
  const style = styleOf(s, false);
  return style === 'literal' ? literalBlock(s, indent) : flowScalar(s, style, column, indent, true);
}

function keyScalar(key: string): string {
  const style = styleOf(key, true);
  return flowScalar(key, style === 'literal' ? 'double' : style, 0, 0, false);
}

/** A number as go-yaml writes a decoded JSON number (Go's shortest float form, exponents of two digits). */
function numberText(n: number): string {
  return String(n).replace(/e([-+])(\d)$/, 'e$10$2');
}

/** A scalar or an empty collection, which go-yaml writes inline. */
function inline(value: JsonValue, column: number, indent: number): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'string') return stringScalar(value, column, indent);
  if (Array.isArray(value)) return value.length === 0 ? '[]' : undefined;
  return Object.keys(value).length === 0 ? '{}' : undefined;
}

function mapping(value: { [key: string]: JsonValue }, indent: number): string {
  const pad = ' '.repeat(indent);
  return goYamlKeyOrder(Object.keys(value))
    .map((key) => {
      const head = `${pad}${keyScalar(key)}:`;
      const child = value[key]!;
      const text = inline(child, [...head].length + 1, indent + INDENT);
      if (text !== undefined) return `${head} ${text}\n`;
      // Lists under a key are not indented further (go-yaml's indentless sequences).
      return `${head}\n${Array.isArray(child) ? sequence(child, indent) : mapping(child as { [key: string]: JsonValue }, indent + INDENT)}`;
    })
    .join('');
}

function sequence(items: readonly JsonValue[], indent: number): string {
  const pad = ' '.repeat(indent);
  return items
    .map((item) => {
      const text = inline(item, indent + INDENT, indent + INDENT);
      if (text !== undefined) return `${pad}- ${text}\n`;
      // A collection in a list starts on the dash's line: its first line loses the indent the dash takes.
      const nested = Array.isArray(item) ? sequence(item, indent + INDENT) : mapping(item as { [key: string]: JsonValue }, indent + INDENT);
      return `${pad}- ${nested.slice(indent + INDENT)}`;
    })
    .join('');
}

/** A decoded JSON document as `kubectl ... -o yaml` prints it. */
export function goYAML(document: JsonValue): string {
  const text = inline(document, 0, 0);
  if (text !== undefined) return `${text}\n`;
  return Array.isArray(document) ? sequence(document, 0) : mapping(document as { [key: string]: JsonValue }, 0);
}
