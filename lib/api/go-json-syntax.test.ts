import { describe, expect, it } from 'vitest';
import { goJsonSyntaxError, JsonSyntaxError, parseJson, quoteByte } from './go-json-syntax.js';

describe('goJsonSyntaxError', () => {
  // The messages of Go's encoding/json, as kubectl 1.32 prints them for the same bytes
  // (`kubectl create -f bad.json`, less its "json: offset N:" prefix).
  it.each([
    ['{bad', `invalid character 'b' looking for beginning of object key string`],
    [`{'a':1}`, `invalid character '\\'' looking for beginning of object key string`],
    ['{"a":1,}', `invalid character '}' looking for beginning of object key string`],
    ['{"a" 1}', `invalid character '1' after object key`],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['{"a":01}', `invalid character '1' after object key:value pair`],
    ['{"a":[1,]}', `invalid character ']' looking for beginning of value`],
    ['{"a":tru}', `invalid character '}' in literal true (expecting 'e')`],
    ['{"a":nul}', `invalid character '}' in literal null (expecting 'l')`],
    ['{"a":"x\ny"}', `invalid character '\\n' in string literal`],
    ['{"a":-}', `invalid character '}' in numeric literal`],
    ['{"a":1.}', `invalid character '}' after decimal point in numeric literal`],
    ['{"a":1e}', `invalid character '}' in exponent of numeric literal`],
    ['{"a":"\\q"}', `invalid character 'q' in string escape code`],
    ['{"a":"\\u12g4"}', `invalid character 'g' in \\u hexadecimal character escape`],
  ])('%s: %s', (text, message) => {
    expect(goJsonSyntaxError(text)).toBe(message);
  });

  it.each([
    ['[1 2]', `invalid character '2' after array element`],
    ['{"a":1}x', `invalid character 'x' after top-level value`],
    ['x', `invalid character 'x' looking for beginning of value`],
    ['{"a":falsy}', `invalid character 'y' in literal false (expecting 'e')`],
  ])('the other contexts Go names: %s', (text, message) => {
    expect(goJsonSyntaxError(text)).toBe(message);
  });

  it.each(['', '   ', '{', '{"a"', '{"a":', '{"a":1', '{"a":"x', '[1,', '-', '1e', 'tr', '"\\u12'])('input that stops early (%j) is unexpected end of JSON input', (text) => {
    expect(goJsonSyntaxError(text)).toBe('unexpected end of JSON input');
  });

  it.each(['{}', '[]', ' {"a": [1, -0.5e+3, true, false, null, "\\u00e9\\n"]} ', '0', '"é"'])('finds nothing wrong in valid JSON: %s', (text) => {
    expect(goJsonSyntaxError(text)).toBeUndefined();
  });

  it('names a byte of a multi-byte character as Go does, by its first byte', () => {
    // "é" is 0xc3 0xa9 in UTF-8; Go reads the byte 0xc3 as the code point Ã.
    expect(goJsonSyntaxError('{é}')).toBe(`invalid character 'Ã' looking for beginning of object key string`);
  });
});

describe('quoteByte', () => {
  it.each([
    [0x27, `'\\''`],
    [0x22, `'"'`],
    [0x5c, `'\\\\'`],
    [0x09, `'\\t'`],
    [0x00, `'\\x00'`],
    [0x7f, `'\\x7f'`],
    [0x85, `'\\u0085'`],
    [0x7b, `'{'`],
  ])('%d is %s', (byte, quoted) => {
    expect(quoteByte(byte)).toBe(quoted);
  });
});

describe('parseJson', () => {
  it('parses valid JSON and fails with Go wording on invalid JSON', () => {
    expect(parseJson('{"a":[1]}')).toEqual({ a: [1] });
    expect(() => parseJson('{bad')).toThrow(new JsonSyntaxError(`invalid character 'b' looking for beginning of object key string`));
  });
});
