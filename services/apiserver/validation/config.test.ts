import { describe, expect, it } from 'vitest';
import { createErrors, type Json, updateErrors } from './test-support.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const KEY_MSG =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const IMMUTABLE = 'Forbidden: field is immutable when `immutable` is set';

function configMap(extra: Json): Json {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, ...extra };
}
function secret(extra: Json): Json {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, ...extra };
}

describe('ConfigMap', () => {
  it.each<[string, Json, string[]]>([
    ['text and binary data', configMap({ data: { 'app.properties': 'a=1', KEY_NAME: 'x' }, binaryData: { 'logo.png': b64('png') } }), []],
    ['a key with a space', configMap({ data: { 'a key': 'x' } }), [`data[a key]: Invalid value: "a key": ${KEY_MSG}`]],
    ['the key ..', configMap({ data: { '..': 'x' } }), ["data[..]: Invalid value: \"..\": must not be '..'"]],
    ['a key starting with ..', configMap({ data: { '..data': 'x' } }), ["data[..data]: Invalid value: \"..data\": must not start with '..'"]],
    ['a key in both maps', configMap({ data: { a: 'x' }, binaryData: { a: b64('y') } }), ['data[a]: Invalid value: "a": duplicate of key present in binaryData']],
    ['more than 1 MiB', configMap({ data: { a: 'x'.repeat(1024 * 1024), b: 'y' } }), ['[]: Too long: may not be more than 1048576 bytes']],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('may change unless immutable', () => {
    expect(updateErrors(configMap({ data: { a: '2' } }), configMap({ data: { a: '1' } }))).toEqual([]);
    expect(updateErrors(configMap({ data: { a: '2' }, immutable: true }), configMap({ data: { a: '1' }, immutable: true }))).toEqual([`data: ${IMMUTABLE}`]);
    expect(updateErrors(configMap({ data: { a: '1' }, immutable: false }), configMap({ data: { a: '1' }, immutable: true }))).toEqual([`immutable: ${IMMUTABLE}`]);
    expect(updateErrors(configMap({ data: { a: '1' }, immutable: true }), configMap({ data: { a: '1' } }))).toEqual([]);
  });
});

describe('Secret', () => {
  it.each<[string, Json, string[]]>([
    ['opaque data', secret({ data: { password: b64('123456') } }), []],
    ['stringData merged before validation', secret({ stringData: { 'a key': 'x' } }), [`data[a key]: Invalid value: "a key": ${KEY_MSG}`]],
    ['more than 1 MiB', secret({ stringData: { a: 'x'.repeat(1024 * 1024 + 1) } }), ['data: Too long: may not be more than 1048576 bytes']],
    ['a TLS secret', secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c'), 'tls.key': b64('k') } }), []],
    ['a TLS secret without its key', secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c') } }), ['data[tls.key]: Required value']],
    ['basic auth without credentials', secret({ type: 'kubernetes.io/basic-auth' }), ['data[username]: Required value', 'data[password]: Required value']],
    [
      'a docker config that is not JSON',
      // In Go's words, as Kubernetes answers; V8's own message would quote the secret ("{nope").
      secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{nope') } }),
      ['data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character \'n\' looking for beginning of object key string'],
    ],
    [
      'a service account token without its account',
      secret({ type: 'kubernetes.io/service-account-token' }),
      ['metadata.annotations[kubernetes.io/service-account.name]: Required value'],
    ],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('keeps its type, and its data when immutable', () => {
    expect(updateErrors(secret({ type: 'example.com/custom' }), secret({}))).toEqual(['type: Invalid value: "example.com/custom": field is immutable']);
    expect(updateErrors(secret({ data: { a: b64('2') }, immutable: true }), secret({ data: { a: b64('1') }, immutable: true }))).toEqual([`data: ${IMMUTABLE}`]);
    expect(updateErrors(secret({ stringData: { a: '1' }, immutable: true }), secret({ data: { a: b64('1') }, immutable: true }))).toEqual([]);
  });
});
