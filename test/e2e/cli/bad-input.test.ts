import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliEnvironment } from './cli-harness.js';

// What users see when their input is wrong: kubectl's words, one line per problem, exit code 1,
// never a stack trace; and in a multi-document file the good documents still apply.

const env = useCliEnvironment();


const noStack = (text: string): void => expect(text).not.toMatch(/\n\s+at /);

describe('bad input', () => {
  it("names the line of a YAML syntax error in kubectl's words", async () => {
    const path = env.file('broken.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n   labels: [a\n');
    const out = await env.run(['create', '-f', path]);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toBe(`error: error parsing ${path}: error converting YAML to JSON: yaml: line 5: mapping values are not allowed in this context\n`);
  });

  it('applies the good documents of a file and reports each bad one', async () => {
    const path = env.file(
      'mixed.yaml',
      [
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\ndata:\n  a: "1"\n',
        'apiVersion: v1\nkind: Foo\nmetadata:\n  name: foo\n',
        'apiVersion: v2\nkind: ReplicationController\nmetadata:\n  name: wrong-version\n',
        'apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: typo\nspec:\n  replica: 1\n',
        'apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: incomplete\nspec:\n  replicas: 1\n',
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: no-image\nspec:\n  containers:\n  - name: c\n',
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: last\nspec:\n  ports:\n  - port: 80\n',
      ].join('---\n'),
    );
    const out = await env.run(['create', '-f', path]);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('configmap/first created\nservice/last created\n');
    expect(out.stderr.split('\n')).toEqual([
      `error: resource mapping not found for name: "foo" namespace: "" from "${path}": no matches for kind "Foo" in version "v1"`,
      'ensure CRDs are installed first',
      `error: resource mapping not found for name: "wrong-version" namespace: "" from "${path}": no matches for kind "ReplicationController" in version "v2": unknown apiVersion (use "v1")`,
      'ensure CRDs are installed first',
      `error: error validating "${path}": error validating data: unknown field "spec.replica"`,
      'The ReplicationController "incomplete" is invalid: ',
      '* spec.selector: Required value',
      '* spec.template: Required value',
      'The Pod "no-image" is invalid: spec.containers[0].image: Required value',
      '',
    ]);
  });

  it('rejects unknown flags and resource types', async () => {
    const flag = await env.run(['get', 'pods', '--bogus']);
    expect(flag).toMatchObject({ code: 1, stdout: '' });
    expect(flag.stderr).toBe("error: unknown flag: --bogus\nSee 'kubets get --help' for usage.\n");
    expect(await env.run(['get', 'podz'])).toEqual({ stdout: '', stderr: `error: the server doesn't have a resource type "podz"\n`, code: 1 });
  });

  it('fails in one line naming the server when nothing answers', async () => {
    const out = await env.run(['get', 'pods', '--server', 'https://127.0.0.1:1']);
    expect(out).toEqual({ stdout: '', stderr: 'Unable to connect to the server: no apiserver reachable (127.0.0.1:1: cannot connect)\n', code: 1 });
    noStack(out.stderr);
  });

  it('explains a missing client config', async () => {
    const out = await env.run(['get', 'pods', '--kubeconfig', join(env.dir, 'missing')]);
    expect(out).toEqual({ stdout: '', stderr: `error: client config ${join(env.dir, 'missing')}: file not found\n`, code: 1 });
  });

  it('rejects a wrong token', async () => {
    const out = await env.run(['get', 'pods', '--token', 'not-the-token']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/^error: You must be logged in to the server \(.+\)\n$/);
  });
});
