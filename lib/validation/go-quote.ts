/**
 * Go's strconv.Quote (what `%q` prints), so messages that quote user values read exactly like
 * Kubernetes' (`Invalid value: "Foo"`, `supported values: "Always", "Never"`).
 */

const SIMPLE_ESCAPES = new Map<number, string>([
  [0x07, '\\a'],
  [0x08, '\\b'],
  [0x0c, '\\f'],
  [0x0a, '\\n'],
  [0x0d, '\\r'],
  [0x09, '\\t'],
  [0x0b, '\\v'],
]);

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function hex(codePoint: number, width: number): string {
  return codePoint.toString(16).padStart(width, '0');
}

function escapeCodePoint(char: string): string {
  const codePoint = char.codePointAt(0) as number;
  if (char === '"' || char === '\\') return `\\${char}`;
  // A lone UTF-16 surrogate is not a character; Go prints invalid text as U+FFFD.
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return '\\ufffd';
  if (PRINTABLE.test(char)) return char;
  const simple = SIMPLE_ESCAPES.get(codePoint);
  if (simple !== undefined) return simple;
  if (codePoint < 0x20 || codePoint === 0x7f) return `\\x${hex(codePoint, 2)}`;
  if (codePoint < 0x10000) return `\\u${hex(codePoint, 4)}`;
  return `\\U${hex(codePoint, 8)}`;
}

export function goQuote(value: string): string {
  let out = '"';
  for (const char of value) out += escapeCodePoint(char);
  return `${out}"`;
}
