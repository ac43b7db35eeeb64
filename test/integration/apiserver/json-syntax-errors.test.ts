import { describe, expect, it } from 'vitest';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { configMap, expectApiError } from './helpers.js';
import { restRequest } from './rest-helpers.js';

// A request body that is not JSON, answered as Kubernetes answers it: a BadRequest naming the
// mistake in the words of Go's encoding/json, through the HTTP API and the gRPC API alike.

const ns = '/api/v1/namespaces/default';
const BAD_KEY = `invalid character 'b' looking for beginning of object key string`;

describe('JSON syntax errors in request bodies', () => {
  const f = useControlPlane();

  it('answers a malformed patch over HTTP as Kubernetes does, by patch type', async () => {
    await f.client.resource('configMap').create(configMap('http-patched', 'default', undefined, { k: 'v' }));
    const patch = (type: string, body: string) => restRequest(f.cp, 'PATCH', `${ns}/configmaps/http-patched`, body, { 'Content-Type': `application/${type}+json` });
    const cases: [type: string, body: string, message: string][] = [
      ['strategic-merge-patch', '{bad', BAD_KEY],
      ['strategic-merge-patch', '{"data":{"a":"b"}', 'unexpected end of JSON input'],
      ['merge-patch', '{bad', `error decoding patch: ${BAD_KEY}`],
      ['merge-patch', '{"data" {}}', `error decoding patch: invalid character '{' after object key`],
      ['json-patch', '[{"op":"remove","path":"/data"} {}]', `error decoding patch: invalid character '{' after array element`],
      ['json-patch', '[{"op":"remove","path":"/data"}', 'error decoding patch: unexpected end of JSON input'],
    ];
    for (const [type, body, message] of cases) {
      const res = await patch(type, body);
      expect({ type, body, status: res.status, answer: res.json() }).toEqual({ type, body, status: 400, answer: expect.objectContaining({ kind: 'Status', reason: 'BadRequest', code: 400, message }) });
    }
    expect((await f.client.resource('configMap').get('default', 'http-patched')).data).toEqual({ k: 'v' });
  });

  it('answers a malformed patch over gRPC with the same words', async () => {
    const cms = f.client.resource('configMap');
    await cms.create(configMap('grpc-patched'));
    expect((await expectApiError(cms.patch('default', 'grpc-patched', '{bad', { type: 'strategic' }), 'BadRequest')).message).toBe(BAD_KEY);
    expect((await expectApiError(cms.patch('default', 'grpc-patched', '{"data":{"a":1 "b":2}}', { type: 'merge' }), 'BadRequest')).message).toBe(
      `error decoding patch: invalid character '"' after object key:value pair`,
    );
  });

  it('answers a create whose body is not an object of the kind as Kubernetes does, naming the mistake in the same words', async () => {
    const unrecognized = (problem: string, summary: string): string =>
      `the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: ${problem} (${summary})`;
    const cases: [body: string, message: string][] = [
      ['{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},}', unrecognized(`invalid character '}' looking for beginning of object key string`, '{"apiVersion":"v1","kind":"Con ...')],
      ['{"apiVersion":"v1","kind":"ConfigMap"', unrecognized('unexpected end of JSON input', '{"apiVersion":"v1","kind":"Con ...')],
      ['[{"metadata":{"name":"x"}}]', unrecognized('json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }', '5b7b226d65746164617461223a7b226e616d65223a2278227d7d5d')],
      ['{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}', 'Secret in version "v1" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion'],
      ['{"apiVersion":"v2","kind":"ConfigMap","metadata":{"name":"x"}}', 'ConfigMap in version "v2" cannot be handled as a ConfigMap: no kind "ConfigMap" is registered for version "v2" in scheme "pkg/api/legacyscheme/scheme.go:30"'],
    ];
    for (const [body, message] of cases) {
      const res = await restRequest(f.cp, 'POST', `${ns}/configmaps`, body);
      expect({ body, status: res.status, answer: res.json() }).toEqual({ body, status: 400, answer: expect.objectContaining({ kind: 'Status', reason: 'BadRequest', code: 400, message }) });
    }
    await expectApiError(f.client.resource('configMap').get('default', 'x'), 'NotFound');
  });

  it('says why a docker config Secret is not JSON without quoting it', async () => {
    const secret = { metadata: { name: 'pull' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from('{"auths":{"r":{"auth":"c2VjcmV0"}}') } };
    const err = await expectApiError(f.client.resource('secret').create({ ...secret, metadata: { ...secret.metadata, namespace: 'default' } }), 'Invalid');
    expect(err.message).toContain(`data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": unexpected end of JSON input`);
    expect(err.message).not.toContain('c2VjcmV0');
  });
});
