import { describe, expect, it } from 'vitest';
import { goJSON, goQuote, goValueString, sortKeysDeep } from './go-values.js';

describe('Go value encodings', () => {
  it('escapes strings as encoding/json does', () => {
    expect(goQuote('a"b\\c\n\t<tag>&\u0001\u2028')).toBe('"a\\"b\\\\c\\n\\t\\u003ctag\\u003e\\u0026\\u0001\\u2028"');
  });

  it('writes compact and indented JSON with sorted keys', () => {
    const value = { kind: 'Pod', apiVersion: 'v1', spec: { containers: [{ name: 'a', ports: [] }] }, metadata: {} };
    expect(goJSON(value)).toBe('{"apiVersion":"v1","kind":"Pod","metadata":{},"spec":{"containers":[{"name":"a","ports":[]}]}}');
    expect(goJSON(value, '    ')).toBe(
      [
        '{',
        '    "apiVersion": "v1",',
        '    "kind": "Pod",',
        '    "metadata": {},',
        '    "spec": {',
        '        "containers": [',
        '            {',
        '                "name": "a",',
        '                "ports": []',
        '            }',
        '        ]',
        '    }',
        '}',
      ].join('\n'),
    );
  });

  it('prints values as fmt %v does', () => {
    expect(goValueString({ tier: 'db', app: 'mysql' })).toBe('map[app:mysql tier:db]');
    expect(goValueString(['a', 1, true, { x: [] }])).toBe('[a 1 true map[x:[]]]');
    expect(goValueString(null)).toBe('<nil>');
  });

  it('sorts keys at every level', () => {
    expect(JSON.stringify(sortKeysDeep({ b: 1, a: [{ d: 1, c: 2 }] }))).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });
});
