import { beforeAll, describe, expect, it } from 'vitest';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { kubectl, requireKubectl, restRequest, writeKubeconfig } from './rest-helpers.js';

// fieldValidation on writes over the HTTP API, as kubectl's --validate sends it: Strict refuses
// unknown and duplicate fields, Warn (the server's default) drops them with Warning headers,
// Ignore drops them silently.

const manifest = (name: string): string => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  bogus: 1
data: {k: v}
`;

describe('fieldValidation over the HTTP API', () => {
  const f = useControlPlane();
  let config: string;
  beforeAll(() => {
    requireKubectl();
    config = writeKubeconfig(f.cp, 'validate');
  });

  it('kubectl --validate=strict refuses an unknown field, naming it', async () => {
    const r = await kubectl(config, ['create', '-f', '-', '--validate=strict'], manifest('strict'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "metadata.bogus"\n');
  });

  it('kubectl --validate=warn creates the object and prints the warning', async () => {
    const r = await kubectl(config, ['create', '-f', '-', '--validate=warn'], manifest('warned'));
    expect(r.stderr).toBe('Warning: unknown field "metadata.bogus"\n');
    expect(r.stdout).toBe('configmap/warned created\n');
    expect((await f.client.resource('configMap').get('default', 'warned')).data).toEqual({ k: 'v' });
  });

  it('kubectl --validate=false creates it without a word', async () => {
    const r = await kubectl(config, ['create', '-f', '-', '--validate=false'], manifest('ignored'));
    expect(r).toMatchObject({ code: 0, stdout: 'configmap/ignored created\n', stderr: '' });
  });

  it('warns by default, refuses duplicate fields under Strict, and refuses an unknown fieldValidation', async () => {
    const body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup","name":"dup"},"data":{"k":"v"},"extra":true}';
    const strict = await restRequest(f.cp, 'POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', body);
    expect(strict.status).toBe(400);
    expect(strict.json().message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "metadata.name", unknown field "extra"');
    const warned = await restRequest(f.cp, 'POST', '/api/v1/namespaces/default/configmaps', body);
    expect(warned.status).toBe(201);
    expect(warned.headers.warning).toBe('299 - "duplicate field \\"metadata.name\\"", 299 - "unknown field \\"extra\\""');
    const wrong = await restRequest(f.cp, 'POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Loose', body);
    expect(wrong.json().message).toBe('fieldValidation: Unsupported value: "Loose": supported values: "Ignore", "Strict", "Warn"');
  });

  it('applies with the same rules', async () => {
    const r = await kubectl(config, ['apply', '--server-side', '-f', '-', '--validate=strict'], manifest('applied'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('strict decoding error: unknown field "metadata.bogus"');
    const warned = await kubectl(config, ['apply', '--server-side', '-f', '-', '--validate=warn'], manifest('applied'));
    expect(warned.stderr).toBe('Warning: unknown field "metadata.bogus"\n');
    expect(warned.stdout).toBe('configmap/applied serverside-applied\n');
  });

  it('patches with the same rules', async () => {
    await restRequest(f.cp, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'patched' }, data: { k: 'v' } });
    const path = '/api/v1/namespaces/default/configmaps/patched';
    const merge = { 'Content-Type': 'application/merge-patch+json' };
    const patch = JSON.stringify({ data: { k: 'w' }, spec: { x: 1 } });
    const strict = await restRequest(f.cp, 'PATCH', `${path}?fieldValidation=Strict`, patch, merge);
    expect(strict.status).toBe(400);
    expect(strict.json().message).toBe('strict decoding error: unknown field "spec"');
    const warned = await restRequest(f.cp, 'PATCH', path, patch, merge);
    expect(warned.status).toBe(200);
    expect(warned.headers.warning).toBe('299 - "unknown field \\"spec\\""');
    expect(warned.json().data).toEqual({ k: 'w' });
    const ignored = await restRequest(f.cp, 'PATCH', `${path}?fieldValidation=Ignore`, patch, merge);
    expect([ignored.status, ignored.headers.warning]).toEqual([200, undefined]);
  });
});
