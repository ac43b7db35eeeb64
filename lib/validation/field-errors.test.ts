import { describe, expect, it } from 'vitest';
import * as field from './field-errors.js';
import { FieldError, FieldPath, OMIT_VALUE, aggregate, root } from './field-errors.js';
import { goQuote } from './go-quote.js';

describe('FieldPath', () => {
  // Cases from Kubernetes' path_test.go.
  it.each([
    [root('root'), 'root'],
    [root('root').child('first'), 'root.first'],
    [root('root').child('first').child('second'), 'root.first.second'],
    [root('root').child('first').index(1), 'root.first[1]'],
    [root('root').child('first').key('k'), 'root.first[k]'],
    [root('root').index(1), 'root[1]'],
    [root('root').child('first').index(1).child('second'), 'root.first[1].second'],
    [root('root').child('first').index(1).index(2), 'root.first[1][2]'],
    [root('root').key('a').key('b'), 'root[a][b]'],
    [root('root', 'first', 'second'), 'root.first.second'],
    [root('root').child('first', 'second', 'third').index(0), 'root.first.second.third[0]'],
    [root('root').child('first', 'second'), 'root.first.second'],
    [root('spec').child('containers').index(0).child('image'), 'spec.containers[0].image'],
    [root('metadata').child('labels').key('app.kubernetes.io/name'), 'metadata.labels[app.kubernetes.io/name]'],
    [root(''), '[]'],
    [root('').child('a'), '[].a'],
  ])('%s renders as %s', (path, expected) => {
    expect(path.toString()).toBe(expected);
    expect(`${path}`).toBe(expected);
  });

  it('is immutable: children do not change their parent', () => {
    const spec = FieldPath.root('spec');
    spec.child('a');
    spec.index(3);
    expect(spec.toString()).toBe('spec');
  });
});

describe('FieldError messages', () => {
  const name = root('metadata').child('name');
  const subdomainMessage =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

  it.each<[FieldError, string]>([
    [field.required(root('spec').child('containers').index(0).child('image')), 'spec.containers[0].image: Required value'],
    [field.required(name, 'name or generateName is required'), 'metadata.name: Required value: name or generateName is required'],
    [field.invalid(name, 'Foo', subdomainMessage), `metadata.name: Invalid value: "Foo": ${subdomainMessage}`],
    [field.invalid(root('spec').child('replicas'), -1, 'must be greater than or equal to 0'), 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    [field.invalid(root('x'), true, 'nope'), 'x: Invalid value: true: nope'],
    [field.invalid(root('x'), 12n, 'big'), 'x: Invalid value: 12: big'],
    [field.invalid(root('x'), ['a', 'b'], 'list'), 'x: Invalid value: ["a","b"]: list'],
    [field.invalid(root('x'), { a: '<b>&' }, 'map'), 'x: Invalid value: {"a":"\\u003cb\\u003e\\u0026"}: map'],
    [field.invalid(root('x'), null, 'null'), 'x: Invalid value: null: null'],
    [field.invalid(root('x'), undefined, 'undefined'), 'x: Invalid value: null: undefined'],
    [field.invalid(root('x'), 'v', ''), 'x: Invalid value: "v"'],
    [field.invalid(root('x'), 'say "hi"\n', 'quotes'), 'x: Invalid value: "say \\"hi\\"\\n": quotes'],
    [
      field.notSupported(root('spec').child('restartPolicy'), 'Sometimes', ['Always', 'OnFailure', 'Never']),
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ],
    [field.notSupported(root('x'), 'y', []), 'x: Unsupported value: "y"'],
    [field.duplicate(root('spec').child('ports').index(1), 80), 'spec.ports[1]: Duplicate value: 80'],
    [field.duplicate(root('spec').child('containers').index(1).child('name'), 'web'), 'spec.containers[1].name: Duplicate value: "web"'],
    [field.forbidden(root('spec'), 'pod updates may not change fields other than `spec.containers[*].image`'), 'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`'],
    [field.tooLong(root('metadata').child('annotations'), 262144), 'metadata.annotations: Too long: may not be more than 262144 bytes'],
    [field.tooLong(root('x'), 1), 'x: Too long: may not be more than 1 byte'],
    [field.tooLong(root('x'), -1), 'x: Too long: value is too long'],
    [field.tooMany(root('spec').child('items'), 5, 3), 'spec.items: Too many: 5: must have at most 3 items'],
    [field.tooMany(root('x'), 2, 1), 'x: Too many: 2: must have at most 1 item'],
    [field.tooMany(root('x'), -1, -1), 'x: Too many: has too many items'],
    [field.notFound(root('spec').child('volumes'), 'data'), 'spec.volumes: Not found: "data"'],
    [field.internalError(root('x'), new Error('boom')), 'x: Internal error: boom'],
    [field.internalError(root('x'), 'bang'), 'x: Internal error: bang'],
    [field.typeInvalid(root('x'), 'str', 'must be an integer'), 'x: Invalid value: "str": must be an integer'],
    [new FieldError('FieldValueInvalid', root('x'), OMIT_VALUE, 'secret'), 'x: Invalid value: secret'],
    [field.invalid('<nil>', 'a b', 'bad key'), '<nil>: Invalid value: "a b": bad key'],
  ])('%s', (error, expected) => {
    expect(error.toString()).toBe(expected);
    expect(error.message).toBe(expected);
    expect(String(error)).toBe(expected);
  });

  it('exposes type, field, value and body for Status causes', () => {
    const error = field.invalid(name, 'Foo', 'bad');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('FieldError');
    expect(error.type).toBe('FieldValueInvalid');
    expect(error.field).toBe('metadata.name');
    expect(error.badValue).toBe('Foo');
    expect(error.detail).toBe('bad');
    expect(error.errorBody()).toBe('Invalid value: "Foo": bad');
  });
});

describe('aggregate', () => {
  it('joins like Kubernetes aggregate errors', () => {
    const a = field.required(root('a'));
    const b = field.required(root('b'));
    expect(aggregate([])).toBe('');
    expect(aggregate([a])).toBe('a: Required value');
    expect(aggregate([a, b])).toBe('[a: Required value, b: Required value]');
    expect(aggregate([a, field.required(root('a')), b])).toBe('[a: Required value, b: Required value]');
    expect(aggregate([a, field.required(root('a'))])).toBe('a: Required value');
    expect(aggregate(['x', new Error('y')])).toBe('[x, y]');
  });
});

describe('goQuote', () => {
  it.each([
    ['', '""'],
    ['plain', '"plain"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['\u0007\b\f\n\r\t\v', '"\\a\\b\\f\\n\\r\\t\\v"'],
    ['\u0000\u001f\u007f', '"\\x00\\x1f\\x7f"'],
    ['héllo ☃ 日本', '"héllo ☃ 日本"'],
    ['\u00a0', '"\\u00a0"'],
    ['\u200b', '"\\u200b"'],
    ['\u{e0001}', '"\\U000e0001"'],
    ['😀', '"😀"'],
    ['\ud800', '"\\ufffd"'],
  ])('quotes %j as %s', (input, expected) => {
    expect(goQuote(input)).toBe(expected);
  });
});
