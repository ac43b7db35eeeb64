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

  it('names the mistake in a malformed JSON body of a create in the same words', async () => {
    const res = await restRequest(f.cp, 'POST', `${ns}/configmaps`, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},}');
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ reason: 'BadRequest', message: `error decoding JSON: invalid character '}' looking for beginning of object key string` });
  });

  it('says why a docker config Secret is not JSON without quoting it', async () => {
    const secret = { metadata: { name: 'pull' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from('{"auths":{"r":{"auth":"c2VjcmV0"}}') } };
    const err = await expectApiError(f.client.resource('secret').create({ ...secret, metadata: { ...secret.metadata, namespace: 'default' } }), 'Invalid');
    expect(err.message).toContain(`data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": unexpected end of JSON input`);
    expect(err.message).not.toContain('c2VjcmV0');
  });
});
