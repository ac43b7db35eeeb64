import { describe, expect, it } from 'vitest';
import { useCliEnvironment } from './cli-harness.js';

// Values in manifests and flags that used to be changed on the way to the server (integers
// wrapped to 32 bits) or refused wrongly (quantities written as numbers), and a multi-document
// file whose later syntax error used to leave the earlier documents created.

const env = useCliEnvironment();


const rc = (name: string, replicas: string, extra = ''): string =>
  `apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: ${name}\nspec:\n  replicas: ${replicas}\n  selector:\n    app: ${name}\n  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n      containers:\n      - name: c\n        image: busybox:1.36\n${extra}`;

async function names(resource: string): Promise<string> {
  return (await env.run(['get', resource, '-o', 'name'])).stdout;
}

describe('bad values from the command line', () => {
  it('refuses replicas beyond 32 bits with the field path instead of creating 3', async () => {
    const path = env.file('wrap.yaml', rc('wrap', '4294967299'));
    const out = await env.run(['create', '-f', path]);
    expect(out).toEqual({
      stdout: '',
      stderr: `error: error validating "${path}": error validating data: spec.replicas: Invalid value: 4294967299: must be a 32-bit integer\n`,
      code: 1,
    });
    const port = env.file('port.yaml', rc('port', '1', '        ports:\n        - containerPort: 4294967376\n'));
    expect((await env.run(['create', '-f', port])).stderr).toContain('spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 4294967376: must be a 32-bit integer');
    const half = env.file('half.yaml', rc('half', '1.5'));
    expect((await env.run(['create', '-f', half])).stderr).toContain('spec.replicas: Invalid value: 1.5: must be an integer');
    expect(await names('replicationcontrollers')).toBe('');
  });

  it('refuses scale --replicas beyond 32 bits and keeps the replicas', async () => {
    await env.run(['create', '-f', env.file('ok.yaml', rc('ok', '1'))]);
    const out = await env.run(['scale', 'rc', 'ok', '--replicas=4294967299']);
    expect(out.code).toBe(1);
    try {
      // The client refuses it before protobufjs would wrap it to 3; the CLI words it as any BadRequest.
      expect(out.stderr).toBe('Error from server (BadRequest): invalid ScaleRequest: scale.spec.replicas: Invalid value: 4294967299: must be a 32-bit integer\n');
      expect((await env.run(['get', 'rc', 'ok', '-o', 'jsonpath={.spec.replicas}'])).stdout).toBe('1');
    } finally {
      await env.run(['delete', 'rc', 'ok']);
    }
  });

  it('reads quantities written as numbers, as Kubernetes does', async () => {
    const path = env.file('numbers.yaml', rc('numbers', '1', '        resources:\n          limits:\n            cpu: 1\n            memory: 134217728\n          requests:\n            cpu: 0.5\n'));
    expect(await env.run(['create', '-f', path])).toEqual({ stdout: 'replicationcontroller/numbers created\n', stderr: '', code: 0 });
    const got = await env.run(['get', 'rc', 'numbers', '-o', 'jsonpath={.spec.template.spec.containers[0].resources}']);
    expect(JSON.parse(got.stdout)).toEqual({ limits: { cpu: '1', memory: '134217728' }, requests: { cpu: '500m' } });
    await env.run(['delete', 'rc', 'numbers']);
  });

  it('creates nothing from a file whose later document has a YAML syntax error', async () => {
    const path = env.file('later-error.yaml', [rc('first', '1'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: second\n   data: [a\n'].join('---\n'));
    const out = await env.run(['create', '-f', path]);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^error: error parsing .*later-error\.yaml: error converting YAML to JSON: yaml: line 5: mapping values are not allowed in this context\n$/);
    expect(await names('replicationcontrollers')).toBe('');
    const applied = await env.run(['apply', '-f', path]);
    expect(applied).toMatchObject({ code: 1, stdout: '' });
    expect(await names('replicationcontrollers')).toBe('');
    // Nor does delete -f remove the documents before the error.
    await env.run(['create', '-f', env.file('first.yaml', rc('first', '1'))]);
    expect(await env.run(['delete', '-f', path])).toMatchObject({ code: 1, stdout: '' });
    expect(await names('replicationcontrollers')).toBe('replicationcontroller/first\n');
    await env.run(['delete', 'rc', 'first']);
  });
});
