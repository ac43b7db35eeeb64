import { describe, expect, it } from 'vitest';
import {
  type LabelSelector,
  LabelSelectorError,
  type Requirement,
  labelSelectorToString,
  newRequirement,
  nothing,
  parseSelector,
  requirementMatches,
  requirementToString,
  selectorFromLabelSelector,
  selectorFromRequirements,
  selectorFromSet,
} from './selector.js';

function parseError(input: string): LabelSelectorError {
  try {
    parseSelector(input);
  } catch (e) {
    if (e instanceof LabelSelectorError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(input)} to fail`);
}

function expectSelectorError(fn: () => unknown, message: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(LabelSelectorError);
  expect((error as LabelSelectorError).message).toBe(message);
}

const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('parseSelector', () => {
  // Kubernetes' TestSelectorParse: these print back as themselves without spaces.
  it.each(['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5'])(
    'round-trips %j',
    (input) => {
      expect(parseSelector(input).toString()).toBe(input.replaceAll(' ', ''));
    },
  );

  // Kubernetes' TestSetSelectorParser: the requirements each input parses to, sorted by key.
  it.each<[string, Requirement[]]>([
    ['', []],
    ['\rx', [{ key: 'x', operator: 'exists', values: [] }]],
    [
      'this-is-a-dns.domain.com/key-with-dash',
      [{ key: 'this-is-a-dns.domain.com/key-with-dash', operator: 'exists', values: [] }],
    ],
    [
      'this-is-another-dns.domain.com/key-with-dash in (so,what)',
      [{ key: 'this-is-another-dns.domain.com/key-with-dash', operator: 'in', values: ['so', 'what'] }],
    ],
    [
      '0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)',
      [{ key: '0.1.2.domain/99', operator: 'notin', values: ['10.10.100.1', 'tick.tack.clock'] }],
    ],
    ['foo  in\t (abc)', [{ key: 'foo', operator: 'in', values: ['abc'] }]],
    ['x notin\n (abc)', [{ key: 'x', operator: 'notin', values: ['abc'] }]],
    ['x  notin\t\t\t(abc,def)', [{ key: 'x', operator: 'notin', values: ['abc', 'def'] }]],
    ['x in (def,abc)', [{ key: 'x', operator: 'in', values: ['abc', 'def'] }]],
    ['x in (abc,)', [{ key: 'x', operator: 'in', values: ['', 'abc'] }]],
    ['x in ()', [{ key: 'x', operator: 'in', values: [''] }]],
    ['x in (a,a,b)', [{ key: 'x', operator: 'in', values: ['a', 'b'] }]],
    [
      'x notin (abc,,def),bar,z in (),w',
      [
        { key: 'bar', operator: 'exists', values: [] },
        { key: 'w', operator: 'exists', values: [] },
        { key: 'x', operator: 'notin', values: ['', 'abc', 'def'] },
        { key: 'z', operator: 'in', values: [''] },
      ],
    ],
    [
      'x,y in (a)',
      [
        { key: 'x', operator: 'exists', values: [] },
        { key: 'y', operator: 'in', values: ['a'] },
      ],
    ],
    ['x=a', [{ key: 'x', operator: '=', values: ['a'] }]],
    ['x==a', [{ key: 'x', operator: '==', values: ['a'] }]],
    ['x>1', [{ key: 'x', operator: 'gt', values: ['1'] }]],
    ['x<7', [{ key: 'x', operator: 'lt', values: ['7'] }]],
    [
      'x=a,y!=b,z in (h,i,j)',
      [
        { key: 'x', operator: '=', values: ['a'] },
        { key: 'y', operator: '!=', values: ['b'] },
        { key: 'z', operator: 'in', values: ['h', 'i', 'j'] },
      ],
    ],
    ['x notin ( )', [{ key: 'x', operator: 'notin', values: [''] }]],
    ['x notin (, a)', [{ key: 'x', operator: 'notin', values: ['', 'a'] }]],
    ['a ', [{ key: 'a', operator: 'exists', values: [] }]],
    ['a in (x,y,notin, z,in)', [{ key: 'a', operator: 'in', values: ['in', 'notin', 'x', 'y', 'z'] }]],
    ['in in (in)', [{ key: 'in', operator: 'in', values: ['in'] }]],
    ['notin=in', [{ key: 'notin', operator: '=', values: ['in'] }]],
    ['!x', [{ key: 'x', operator: '!', values: [] }]],
    [' ! x , y ', [
      { key: 'x', operator: '!', values: [] },
      { key: 'y', operator: 'exists', values: [] },
    ]],
    ['app.kubernetes.io/name=web', [{ key: 'app.kubernetes.io/name', operator: '=', values: ['web'] }]],
    ['b=1,a=2', [
      { key: 'a', operator: '=', values: ['2'] },
      { key: 'b', operator: '=', values: ['1'] },
    ]],
  ])('parses %j', (input, expected) => {
    expect(parseSelector(input).requirements).toEqual(expected);
  });

  // Syntax errors carry Kubernetes' text and the position of the offending token.
  it.each<[string, string, number]>([
    ['x=a||y=b', 'unable to parse requirement: values[0][x]: Invalid value: "a||y": a valid label', 0],
    ['x==a==b', "found '==', expected: ',' or 'end of string'", 4],
    ['!x=a', "found '=', expected: ',' or 'end of string'", 2],
    ['x,,y', "found ',', expected: identifier after ','", 2],
    [',x,y', "found ',', expected: !, identifier, or 'end of string'", 0],
    ['x nott in (y)', "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt", 2],
    ['a in (xyz),', "found '', expected: identifier after ','", 11],
    ['a in (xyz)b notin ()', "found 'b', expected: ',' or 'end of string'", 10],
    ['a in (xyz abc)', "unable to parse requirement: found 'abc', expected: ',' or ')'", 10],
    ['a notin(', "unable to parse requirement: found '', expected: ',', ')' or identifier", 8],
    ['a (', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt", 2],
    ['(', "found '(', expected: !, identifier, or 'end of string'", 0],
    ['a in b', "unable to parse requirement: found 'b' expected: '('", 5],
    ['a in (b,=)', "unable to parse requirement: found '=', expected: ',', or identifier", 8],
    ['a=(b)', "unable to parse requirement: found '(', expected: identifier", 2],
    ['!', "unable to parse requirement: found '', expected: identifier", 1],
    ['!=a', "found '!=', expected: !, identifier, or 'end of string'", 0],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt", 2],
    ['a=b c', "found 'c', expected: ',' or 'end of string'", 4],
  ])('rejects %j', (input, message, position) => {
    const error = parseError(input);
    expect(error.name).toBe('LabelSelectorError');
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.position).toBe(position);
  });

  it('validates keys with the label key rules, like Kubernetes (including its <nil> path)', () => {
    const error = parseError('a b=c,-bad-=x');
    expect(error.message).toBe("unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
    const keyError = parseError('ok=1,-bad-=x');
    expect(keyError.message).toBe(`unable to parse requirement: <nil>: Invalid value: "-bad-": ${NAME_PART_MSG}`);
    expect(keyError.position).toBe(5);
    expect(keyError.causes).toHaveLength(1);
    expect(keyError.causes[0]?.type).toBe('FieldValueInvalid');
  });

  it('validates values with the label value rules', () => {
    const error = parseError('app=-web-');
    expect(error.message).toBe(`unable to parse requirement: values[0][app]: Invalid value: "-web-": ${LABEL_VALUE_MSG}`);
    expect(error.position).toBe(0);
    const inError = parseError('x=1, tier in (ok,b@d)');
    expect(inError.message).toBe(`unable to parse requirement: values[0][tier]: Invalid value: "b@d": ${LABEL_VALUE_MSG}`);
    expect(inError.position).toBe(5);
  });

  it('requires integers for > and <', () => {
    expect(parseError('x<a').message).toBe(
      'unable to parse requirement: values[0]: Invalid value: "a": for \'Gt\', \'Lt\' operators, the value must be an integer',
    );
    expect(parseError('x>').message).toBe(
      'unable to parse requirement: values[0]: Invalid value: "": for \'Gt\', \'Lt\' operators, the value must be an integer',
    );
  });

  it('aggregates several problems in one requirement', () => {
    expect(parseError('x>-1').message).toBe(
      `unable to parse requirement: values[0][x]: Invalid value: "-1": ${LABEL_VALUE_MSG}`,
    );
  });
});

describe('Selector.matches', () => {
  // Kubernetes' TestSelectorMatches.
  it.each<[string, Record<string, string>, boolean]>([
    ['', { x: 'y' }, true],
    ['x=y', { x: 'y' }, true],
    ['x=y,z=w', { x: 'y', z: 'w' }, true],
    ['x!=y,z!=w', { x: 'z', z: 'a' }, true],
    ['notin=in', { notin: 'in' }, true],
    ['x', { x: 'z' }, true],
    ['!x', { y: 'z' }, true],
    ['x>1', { x: '2' }, true],
    ['x<1', { x: '0' }, true],
    ['x=z', {}, false],
    ['x=y', { x: 'z' }, false],
    ['x=y,z=w', { x: 'w', z: 'w' }, false],
    ['x!=y,z!=w', { x: 'z', z: 'w' }, false],
    ['x', { y: 'z' }, false],
    ['!x', { x: 'z' }, false],
    ['x>1', { x: '0' }, false],
    ['x<1', { x: '2' }, false],
    ['x>1', { x: 'v2' }, false],
    ['x>1', {}, false],
    ['x>9223372036854775806', { x: '9223372036854775807' }, true],
    ['x>1', { x: '9223372036854775808' }, false],
    ['foo=bar,baz=blah', { foo: 'bar', baz: 'blah' }, true],
    ['foo=bar,foobar=bar,baz=blah', { foo: 'bar', baz: 'blah' }, false],
    ['x in (foo),y notin (alpha)', { x: 'foo', y: 'baz' }, true],
    ['x in (foo),y in (alpha)', { x: 'foo', y: 'baz' }, false],
    ['x notin (),y', { y: '' }, true],
    ['!x,y', { y: '' }, true],
    ['x notin (),!y', { y: '' }, false],
    ['x in ()', { y: 'baz' }, false],
    ['x in ()', { x: '' }, true],
    ['x=', { x: '' }, true],
    ['x!=a', {}, true],
    ['x notin (a)', {}, true],
    ['constructor', {}, false],
    ['!toString', {}, true],
    ['tier in (frontend,backend),env!=prod', { tier: 'backend', env: 'dev' }, true],
  ])('%j on %j → %s', (selector, labels, expected) => {
    expect(parseSelector(selector).matches(labels)).toBe(expected);
  });

  it('treats missing labels as an empty set', () => {
    expect(parseSelector('!a').matches(undefined)).toBe(true);
    expect(parseSelector('a').matches(null)).toBe(false);
    expect(parseSelector('').matches(undefined)).toBe(true);
  });
});

describe('empty, everything and nothing', () => {
  it('distinguishes the three', () => {
    expect(parseSelector('').empty()).toBe(true);
    expect(parseSelector('').empty()).toBe(true);
    expect(parseSelector('').matches({ a: 'b' })).toBe(true);
    expect(parseSelector('').matchesNothing()).toBe(false);
    expect(nothing().empty()).toBe(false);
    expect(nothing().matchesNothing()).toBe(true);
    expect(nothing().matches({})).toBe(false);
    expect(nothing().toString()).toBe('');
    expect(nothing().requirements).toEqual([]);
    expect(nothing().requiresExactMatch('a')).toBeUndefined();
    expect(parseSelector('a').empty()).toBe(false);
  });
});

describe('toString', () => {
  // Kubernetes' TestToString.
  it.each<[Requirement[], string]>([
    [
      [
        { key: 'x', operator: 'in', values: ['abc', 'def'] },
        { key: 'y', operator: 'notin', values: ['jkl'] },
        { key: 'z', operator: 'exists', values: [] },
      ],
      'x in (abc,def),y notin (jkl),z',
    ],
    [
      [
        { key: 'x', operator: 'notin', values: ['def', 'abc'] },
        { key: 'y', operator: '!=', values: ['jkl'] },
        { key: 'z', operator: '!', values: [] },
      ],
      'x notin (abc,def),y!=jkl,!z',
    ],
    [
      [
        { key: 'x', operator: 'notin', values: ['abc'] },
        { key: 'y', operator: 'in', values: ['jkl', 'mno'] },
        { key: 'z', operator: 'notin', values: [''] },
      ],
      'x notin (abc),y in (jkl,mno),z notin ()',
    ],
    [
      [
        { key: 'x', operator: '=', values: ['abc'] },
        { key: 'y', operator: '==', values: ['jkl'] },
        { key: 'z', operator: '!=', values: ['a'] },
        { key: 'z', operator: 'exists', values: [] },
      ],
      'x=abc,y==jkl,z!=a,z',
    ],
    [
      [
        { key: 'x', operator: 'gt', values: ['2'] },
        { key: 'y', operator: 'lt', values: ['8'] },
        { key: 'z', operator: 'exists', values: [] },
      ],
      'x>2,y<8,z',
    ],
  ])('prints %j as %s', (requirements, expected) => {
    expect(selectorFromRequirements(requirements).toString()).toBe(expected);
  });

  it('does not reorder the values it was given', () => {
    const r: Requirement = { key: 'x', operator: 'in', values: ['b', 'a'] };
    expect(requirementToString(r)).toBe('x in (a,b)');
    expect(r.values).toEqual(['b', 'a']);
  });
});

describe('requiresExactMatch', () => {
  it.each<[string, string, string | undefined]>([
    ['key in (value)', 'key', 'value'],
    ['key in (value,value2)', 'key', undefined],
    ['key in (value,value1),key2 in (value2)', 'key2', 'value2'],
    ['key=value', 'key', 'value'],
    ['key==value', 'key', 'value'],
    ['key!=value', 'key', undefined],
    ['key', 'key', undefined],
    ['other=1', 'key', undefined],
  ])('%j for %s → %s', (selector, key, expected) => {
    expect(parseSelector(selector).requiresExactMatch(key)).toBe(expected);
  });
});

describe('newRequirement and requirementMatches', () => {
  // Kubernetes' TestRequirementConstructor, with the aggregated messages.
  it.each<[string, Requirement['operator'], string[], string | undefined]>([
    ['x1', 'in', [], "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"],
    ['x2', 'notin', [], "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"],
    ['x3', 'in', ['foo'], undefined],
    ['x4', 'notin', ['foo'], undefined],
    ['x5', '=', ['foo', 'bar'], 'values: Invalid value: ["foo","bar"]: exact-match compatibility requires one single value'],
    ['x6', 'exists', [], undefined],
    ['x7', '!', [], undefined],
    ['x8', 'exists', ['foo'], 'values: Invalid value: ["foo"]: values set must be empty for exists and does not exist'],
    ['x9', 'in', ['bar'], undefined],
    ['x10', 'in', ['bar'], undefined],
    ['x11', 'gt', ['1'], undefined],
    ['x12', 'lt', ['6'], undefined],
    [
      'x13',
      'gt',
      [],
      "values: Invalid value: null: for 'Gt', 'Lt' operators, exactly one value is required",
    ],
    [
      'x14',
      'gt',
      ['bar'],
      'values[0]: Invalid value: "bar": for \'Gt\', \'Lt\' operators, the value must be an integer',
    ],
    [
      'x15',
      'lt',
      ['bar'],
      'values[0]: Invalid value: "bar": for \'Gt\', \'Lt\' operators, the value must be an integer',
    ],
    ['x16', 'in', ['a', 'b'], undefined],
    ['a'.repeat(254), 'exists', [], `key: Invalid value: "${'a'.repeat(254)}": name part must be no more than 63 characters`],
    ['x18', 'in', ['a'.repeat(64)], `values[0][x18]: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`],
    [
      'x/y/z',
      'exists',
      [],
      `key: Invalid value: "x/y/z": a qualified name ${NAME_PART_MSG.slice('name part '.length)} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
    [
      '-',
      'in',
      [],
      `[key: Invalid value: "-": ${NAME_PART_MSG}, values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty]`,
    ],
    [
      'x',
      'near' as Requirement['operator'],
      [],
      'operator: Unsupported value: "near": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"',
    ],
  ])('newRequirement(%j, %s, %j)', (key, operator, values, message) => {
    if (message === undefined) {
      expect(newRequirement(key, operator, values)).toEqual({ key, operator, values });
    } else {
      expectSelectorError(() => newRequirement(key, operator, values), message);
    }
  });

  it('matches single requirements', () => {
    expect(requirementMatches({ key: 'z', operator: 'gt', values: ['1'] }, { z: '2' })).toBe(true);
    expect(requirementMatches({ key: 'z', operator: 'gt', values: ['1', '2'] }, { z: '3' })).toBe(false);
    expect(requirementMatches({ key: 'z', operator: 'in', values: ['a', 'b'] }, { z: 'b' })).toBe(true);
  });
});

describe('selectorFromSet', () => {
  it('builds sorted equality requirements without validating', () => {
    const s = selectorFromSet({ tier: 'web', app: 'guestbook' });
    expect(s.toString()).toBe('app=guestbook,tier=web');
    expect(s.matches({ app: 'guestbook', tier: 'web', extra: 'x' })).toBe(true);
    expect(s.matches({ app: 'guestbook' })).toBe(false);
    expect(selectorFromSet({ 'bad key': '-' }).toString()).toBe('bad key=-');
  });

  it('treats empty and missing sets as everything', () => {
    expect(selectorFromSet({}).empty()).toBe(true);
    expect(selectorFromSet(undefined).matches({ a: 'b' })).toBe(true);
    expect(selectorFromSet(null).matchesNothing()).toBe(false);
  });

  it('round-trips through parseSelector', () => {
    const set = { 'app.kubernetes.io/name': 'mysql', tier: 'db' };
    expect(parseSelector(selectorFromSet(set).toString()).matches(set)).toBe(true);
  });
});

describe('selectorFromLabelSelector', () => {
  it('matches nothing for a missing selector and everything for an empty one', () => {
    expect(selectorFromLabelSelector(null).matches({ a: 'b' })).toBe(false);
    expect(selectorFromLabelSelector(undefined).matchesNothing()).toBe(true);
    expect(selectorFromLabelSelector({}).matches({ a: 'b' })).toBe(true);
    expect(selectorFromLabelSelector({ matchLabels: {}, matchExpressions: [] }).empty()).toBe(true);
  });

  it('combines matchLabels and matchExpressions', () => {
    const ls: LabelSelector = {
      matchLabels: { app: 'mysql' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['b', 'a'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'track', operator: 'Exists' },
        { key: 'canary', operator: 'DoesNotExist', values: [] },
      ],
    };
    const s = selectorFromLabelSelector(ls);
    expect(s.toString()).toBe('app=mysql,!canary,env notin (prod),tier in (a,b),track');
    expect(s.matches({ app: 'mysql', tier: 'a', track: 'stable' })).toBe(true);
    expect(s.matches({ app: 'mysql', tier: 'a', track: 'stable', canary: 'yes' })).toBe(false);
    expect(s.matches({ app: 'mysql', tier: 'c', track: 'stable' })).toBe(false);
    expect(s.matches({ app: 'mysql', tier: 'a', track: 'stable', env: 'prod' })).toBe(false);
    expect(s.requirements.find((r) => r.key === 'tier')?.values).toEqual(['b', 'a']);
  });

  it('accepts protobuf-decoded shapes with missing fields', () => {
    const decoded = { matchExpressions: [{ key: 'a', operator: 'Exists', values: [] as string[] }] };
    expect(selectorFromLabelSelector(decoded).toString()).toBe('a');
  });

  it.each<[LabelSelector, string]>([
    [{ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, '"Gt" is not a valid label selector operator'],
    [{ matchExpressions: [{ key: 'a' }] }, '"" is not a valid label selector operator'],
    [{ matchExpressions: [{ key: 'a', operator: 'toString' }] }, '"toString" is not a valid label selector operator'],
    [
      { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] },
      "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
    ],
    [{ matchLabels: { app: 'b@d' } }, `values[0][app]: Invalid value: "b@d": ${LABEL_VALUE_MSG}`],
    [{ matchLabels: { 'b@d': 'x' } }, `key: Invalid value: "b@d": ${NAME_PART_MSG}`],
  ])('rejects %j', (ls, message) => {
    expectSelectorError(() => selectorFromLabelSelector(ls), message);
  });
});

describe('labelSelectorToString', () => {
  it.each<[LabelSelector | null | undefined, string]>([
    [{ matchLabels: { app: 'mysql' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] }, 'app=mysql,tier in (a,b)'],
    [{ matchLabels: { run: 'nginx', app: 'web' } }, 'app=web,run=nginx'],
    [{}, '<none>'],
    [null, '<none>'],
    [undefined, '<none>'],
    [{ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }, '<error>'],
  ])('%j → %s', (ls, expected) => {
    expect(labelSelectorToString(ls)).toBe(expected);
  });
});
