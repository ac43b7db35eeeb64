import { describe, expect, it } from 'vitest';
import {
  type FieldRequirement,
  FieldSelectorError,
  escapeFieldValue,
  parseFieldSelector,
  unescapeFieldValue,
} from './field-selector.js';

function getterFor(fields: Record<string, string>): (field: string) => string | undefined {
  return (field) => (Object.prototype.hasOwnProperty.call(fields, field) ? fields[field] : undefined);
}

function parseError(input: string): FieldSelectorError {
  try {
    parseFieldSelector(input);
  } catch (e) {
    if (e instanceof FieldSelectorError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(input)} to fail`);
}

describe('parseFieldSelector', () => {
  it.each<[string, FieldRequirement[]]>([
    ['', []],
    ['metadata.name=foo', [{ field: 'metadata.name', op: '=', value: 'foo' }]],
    ['metadata.name==foo', [{ field: 'metadata.name', op: '=', value: 'foo' }]],
    ['spec.nodeName!=', [{ field: 'spec.nodeName', op: '!=', value: '' }]],
    ['spec.nodeName=', [{ field: 'spec.nodeName', op: '=', value: '' }]],
    [
      'status.phase=Running,metadata.namespace=default',
      [
        { field: 'metadata.namespace', op: '=', value: 'default' },
        { field: 'status.phase', op: '=', value: 'Running' },
      ],
    ],
    [
      'a=avalue,b==bvalue,c!=cvalue',
      [
        { field: 'a', op: '=', value: 'avalue' },
        { field: 'b', op: '=', value: 'bvalue' },
        { field: 'c', op: '!=', value: 'cvalue' },
      ],
    ],
    ['a=a,', [{ field: 'a', op: '=', value: 'a' }]],
    [',a=a', [{ field: 'a', op: '=', value: 'a' }]],
    // Terms are ordered by their raw text, as Kubernetes sorts them: '2' sorts before '='.
    ['k=\\,,k2=v2', [{ field: 'k2', op: '=', value: 'v2' }, { field: 'k', op: '=', value: ',' }]],
    ['k=\\\\,k2=v2', [{ field: 'k2', op: '=', value: 'v2' }, { field: 'k', op: '=', value: '\\' }]],
    ['k=\\\\\\,,k2=v2', [{ field: 'k2', op: '=', value: 'v2' }, { field: 'k', op: '=', value: '\\,' }]],
    ['x=a\\=\\=b', [{ field: 'x', op: '=', value: 'a==b' }]],
    ['함=수,목=록', [{ field: '목', op: '=', value: '록' }, { field: '함', op: '=', value: '수' }]],
    ['=', []],
    ['=,a=b', [{ field: 'a', op: '=', value: 'b' }]],
    ['=x', [{ field: '', op: '=', value: 'x' }]],
    ['metadata.name = foo', [{ field: 'metadata.name ', op: '=', value: ' foo' }]],
  ])('parses %j', (input, expected) => {
    expect(parseFieldSelector(input).requirements).toEqual(expected);
  });

  // Kubernetes' TestSelectorParse good strings print back unchanged.
  it.each(['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=a||y\\=b', 'x=a\\=\\=b'])('round-trips %j', (input) => {
    expect(parseFieldSelector(input).toString()).toBe(input);
  });

  it('prints == as =', () => {
    expect(parseFieldSelector('b==1,a!=2').toString()).toBe('a!=2,b=1');
  });

  it.each([
    ['x=a||y=b', 'invalid field selector: unescaped character in value: 61'],
    ['x==a==b', 'invalid field selector: unescaped character in value: 61'],
    // `!=` is split off first, leaving an unescaped `=` in the value.
    ['a!==b', 'invalid field selector: unescaped character in value: 61'],
    ['x=a,b', "invalid selector: 'x=a,b'; can't understand 'b'"],
    ['x in (a)', "invalid selector: 'x in (a)'; can't understand 'x in (a)'"],
    ['x in (a,b,c)', "invalid selector: 'x in (a,b,c)'; can't understand 'b'"],
    ['x', "invalid selector: 'x'; can't understand 'x'"],
    ['k=\\a', 'invalid field selector: invalid escape sequence: \\a'],
    ['k=\\', 'invalid field selector: invalid escape sequence: \\'],
  ])('rejects %j', (input, message) => {
    const error = parseError(input);
    expect(error.name).toBe('FieldSelectorError');
    expect(error.message).toBe(message);
  });
});

describe('FieldSelector.matches', () => {
  const fields = { foo: 'bar', baz: 'blah', complex: '=value\\,\\' };
  // Kubernetes' TestSelectorMatches.
  it.each<[string, Record<string, string>, boolean]>([
    ['', { x: 'y' }, true],
    ['x=y', { x: 'y' }, true],
    ['x=y,z=w', { x: 'y', z: 'w' }, true],
    ['x!=y,z!=w', { x: 'z', z: 'a' }, true],
    ['notin=in', { notin: 'in' }, true],
    ['x=y', { x: 'z' }, false],
    ['x=y,z=w', { x: 'w', z: 'w' }, false],
    ['x!=y,z!=w', { x: 'z', z: 'w' }, false],
    ['foo=bar', fields, true],
    ['baz=blah', fields, true],
    ['foo=bar,baz=blah', fields, true],
    ['foo=bar,baz=blah,complex=\\=value\\\\\\,\\\\', fields, true],
    ['foo=blah', fields, false],
    ['baz=bar', fields, false],
    ['foo=bar,foobar=bar,baz=blah', fields, false],
    ['spec.nodeName=', {}, true],
    ['spec.nodeName!=', {}, false],
    ['spec.nodeName!=', { 'spec.nodeName': 'node-1' }, true],
    ['spec.nodeName=node-1', { 'spec.nodeName': 'node-1' }, true],
  ])('%j on %j → %s', (selector, set, expected) => {
    expect(parseFieldSelector(selector).matches(getterFor(set))).toBe(expected);
  });
});

describe('empty and requiresExactMatch', () => {
  it('reports an unrestricted selector as empty', () => {
    expect(parseFieldSelector('').empty()).toBe(true);
    expect(parseFieldSelector(',,').empty()).toBe(true);
    expect(parseFieldSelector('a=b').empty()).toBe(false);
  });

  it('finds the value an equality term requires', () => {
    const s = parseFieldSelector('status.phase!=Failed,spec.nodeName=node-1');
    expect(s.requiresExactMatch('spec.nodeName')).toBe('node-1');
    expect(s.requiresExactMatch('status.phase')).toBeUndefined();
    expect(s.requiresExactMatch('metadata.name')).toBeUndefined();
    expect(parseFieldSelector('spec.nodeName=').requiresExactMatch('spec.nodeName')).toBe('');
  });
});

describe('escaping', () => {
  // Kubernetes' TestEscapeValue.
  it.each([
    ['', ''],
    ['a', 'a'],
    ['=', '\\='],
    [',', '\\,'],
    ['\\', '\\\\'],
    ['\\=\\,\\', '\\\\\\=\\\\\\,\\\\'],
  ])('escapes %j as %j and back', (raw, escaped) => {
    expect(escapeFieldValue(raw)).toBe(escaped);
    expect(unescapeFieldValue(escaped)).toBe(raw);
  });

  it.each(['\\', '\\\\\\', '\\a'])('rejects the invalid escape in %j', (value) => {
    expect(() => unescapeFieldValue(value)).toThrow(/invalid escape sequence/);
  });

  it('rejects unescaped separators with the rune number, as Kubernetes does', () => {
    expect(() => unescapeFieldValue('a,b')).toThrow('invalid field selector: unescaped character in value: 44');
  });
});
