import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVerb } from '../../../cli/testing/run-verb.js';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { eventually, nsObject } from './helpers.js';

// `kubets auth can-i` and --as against a real apiserver: the verb asks the apiserver
// (SelfSubjectAccessReview, SelfSubjectRulesReview) as the user its flags name.

const RBAC = 'rbac.authorization.k8s.io';
let cp: ControlPlane;
let caFile: string;

beforeAll(async () => {
  cp = await startControlPlane({ users: [{ name: 'jane' }] });
  caFile = join(cp.dataDir, 'ca-for-cli.crt');
  writeFileSync(caFile, cp.caPem);
  const admin = cp.client();
  await admin.resource('namespace').create(nsObject('dev'));
  await admin.resource('roleBinding').create({
    metadata: { name: 'jane-view', namespace: 'dev' },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'User', apiGroup: RBAC, name: 'jane' }],
  });
});

afterAll(async () => {
  await cp?.stop();
});

const as = (token: string) => (...argv: string[]) =>
  runVerb([...argv, '--server', cp.apiservers[0]!.address, '--token', token, '--certificate-authority', caFile], {});

describe('kubets auth can-i', () => {
  it('answers yes or no with the exit code', async () => {
    const jane = as(cp.tokenOf('jane'));
    await eventually(async () => (await jane('auth', 'can-i', 'list', 'pods', '-n', 'dev')).code === 0, 30_000, 'the binding');
    expect(await jane('auth', 'can-i', 'list', 'pods', '-n', 'dev')).toEqual({ stdout: 'yes\n', stderr: '', code: 0 });
    expect(await jane('auth', 'can-i', 'create', 'deployments.apps', '-n', 'dev')).toEqual({ stdout: 'no\n', stderr: '', code: 1 });
    expect(await jane('auth', 'can-i', 'get', 'pods/web', '-n', 'dev', '--subresource', 'log')).toMatchObject({ stdout: 'yes\n', code: 0 });
    expect(await jane('auth', 'can-i', 'list', 'pods', '-n', 'default')).toMatchObject({ stdout: 'no\n', code: 1 });
    expect(await jane('auth', 'can-i', 'list', 'pods', '-A')).toMatchObject({ stdout: 'no\n', code: 1 });
    expect(await jane('auth', 'can-i', 'get', '/version')).toMatchObject({ stdout: 'yes\n', code: 0 });
    expect(await jane('auth', 'can-i', 'get', 'secrets', '-n', 'dev', '-q')).toEqual({ stdout: '', stderr: '', code: 1 });
    expect(await jane('auth', 'can-i', 'get', 'widgets', '-n', 'dev')).toEqual({ stdout: 'no\n', stderr: "Warning: the server doesn't have a resource type 'widgets'\n", code: 1 });
  });

  it('lists the rules of a namespace', async () => {
    const out = await as(cp.tokenOf('jane'))('auth', 'can-i', '--list', '-n', 'dev');
    expect(out.code).toBe(0);
    const lines = out.stdout.split('\n');
    expect(lines[0]).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/);
    expect(lines).toContainEqual(expect.stringMatching(/^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/));
    expect(lines).toContainEqual(expect.stringMatching(/^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/));
    expect(lines).toContainEqual(expect.stringMatching(/^deployments\.apps\s+\[\]\s+\[\]\s+\[get list watch\]$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\s+\[\/version\]\s+\[\]\s+\[get\]$/));
  });

  it('asks as whom --as names when the caller may impersonate, and refuses others', async () => {
    const admin = as(cp.token);
    expect(await admin('auth', 'can-i', 'delete', 'nodes')).toMatchObject({ stdout: 'yes\n', code: 0 });
    expect(await admin('auth', 'can-i', 'delete', 'nodes', '--as', 'jane')).toMatchObject({ stdout: 'no\n', code: 1 });
    expect(await admin('auth', 'can-i', 'list', 'pods', '-n', 'dev', '--as', 'jane')).toMatchObject({ stdout: 'yes\n', code: 0 });
    expect(await admin('get', 'pods', '-n', 'kube-system', '--as', 'jane', '--as-group', 'devs')).toMatchObject({
      stderr: 'Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "kube-system"\n',
      code: 1,
    });
    expect(await as(cp.tokenOf('jane'))('get', 'pods', '-n', 'dev', '--as', 'admin')).toMatchObject({
      stderr: 'Error from server (Forbidden): users "admin" is forbidden: User "jane" cannot impersonate resource "users" in API group "" at the cluster scope\n',
      code: 1,
    });
  });
});
