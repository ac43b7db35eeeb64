import { compareStrings } from '../../lib/printers/order.js';

// kubectl works on decoded JSON (Go maps), so its output follows Go's encoders: encoding/json
// sorts map keys and escapes <, > and & in strings; fmt's %v prints maps as map[k:v] and slices
// as [a b]. These helpers reproduce both for our plain JSON values.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const HEX = '0123456789abcdef';

/** A JSON string literal escaped as Go's encoding/json writes it. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || ch === '<' || ch === '>' || ch === '&') out += `\\u00${HEX[code >> 4]}${HEX[code & 15]}`;
    else if (code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16)}`;
    else out += ch;
  }
  return `${out}"`;
}

/** JSON as Go's json.Marshal (compact) or json.MarshalIndent (with `indent`) writes a decoded value. */
export function goJSON(value: JsonValue, indent = ''): string {
  const write = (v: JsonValue, depth: number): string => {
    if (v === null) return 'null';
    if (typeof v === 'string') return goQuote(v);
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    const newline = indent ? `\n${indent.repeat(depth + 1)}` : '';
    const close = indent ? `\n${indent.repeat(depth)}` : '';
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[${v.map((item) => newline + write(item, depth + 1)).join(',')}${close}]`;
    }
    const keys = Object.keys(v).sort(compareStrings);
    if (keys.length === 0) return '{}';
    const colon = indent ? ': ' : ':';
    return `{${keys.map((k) => newline + goQuote(k) + colon + write(v[k]!, depth + 1)).join(',')}${close}}`;
  };
  return write(value, 0);
}

/** A value as Go's fmt %v prints a decoded JSON value (custom-columns cells). */
export function goValueString(value: JsonValue): string {
  if (value === null) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goValueString).join(' ')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort(compareStrings);
    return `map[${keys.map((k) => `${k}:${goValueString(value[k]!)}`).join(' ')}]`;
  }
  return String(value);
}

/** A copy with object keys sorted at every level, as Go's encoders order map keys. */
export function sortKeysDeep(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort(compareStrings)
      .map((k) => [k, sortKeysDeep(value[k]!)]),
  );
}
