import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadClientConfigFile, writeClientConfig } from '../../lib/client-config.js';
import { buildKubeconfig, writeKubeconfig } from '../../lib/kubeconfig.js';
import { useFakeApiServer } from '../../lib/client/testing/fake-api-per-test.js';
import { runVerb } from '../testing/run-verb.js';

const api = useFakeApiServer(undefined, { scope: 'suite' });
const dir = mkdtempSync(join(tmpdir(), 'kubets-config-view-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('config view', () => {
  it("prints the kubeconfig beside the client config as kubectl does, secrets only with --raw", async () => {
    await writeKubeconfig(join(dir, 'kubeconfig'), buildKubeconfig([{ name: 'kubets', server: 'https://127.0.0.1:6444', caPem: 'PEM', token: 'secret', namespace: 'default' }]));
    const env = { KUBETS_CONFIG: join(dir, 'config') };
    const view = await runVerb(['config', 'view'], { client: api.client, env });
    expect(view.stdout).toBe(`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: DATA+OMITTED
    server: https://127.0.0.1:6444
  name: kubets
contexts:
- context:
    cluster: kubets
    namespace: default
    user: kubets
  name: kubets
current-context: kubets
kind: Config
preferences: {}
users:
- name: kubets
  user:
    token: REDACTED
`);
    const raw = await runVerb(['config', 'view', '--raw', '-o', 'json'], { client: api.client, env });
    expect(JSON.parse(raw.stdout)).toMatchObject({ clusters: [{ cluster: { 'certificate-authority-data': Buffer.from('PEM').toString('base64') } }], users: [{ user: { token: 'secret' } }] });
  });

  it('says where the kubeconfig was expected when there is none', async () => {
    const missing = await runVerb(['config', 'view'], { client: api.client, env: { KUBETS_CONFIG: join(dir, 'none', 'config') } });
    expect(missing).toMatchObject({ code: 1, stderr: `error: no kubeconfig at ${join(dir, 'none', 'kubeconfig')}: \`kubets up\` writes it beside the client config\n` });
  });
});

describe('config context verbs', () => {
  const configPath = join(dir, 'contexts', 'config');
  const env = { KUBETS_CONFIG: configPath };
  const run = (...argv: string[]) => runVerb(argv, { client: api.client, env });

  it('lists, switches, derives, renames and deletes contexts in the client config', async () => {
    await writeClientConfig(configPath, {
      currentContext: 'kubets',
      contexts: { kubets: { servers: ['127.0.0.1:6443'], caData: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n', token: 't', namespace: 'default' } },
    });
    expect((await run('config', 'current-context')).stdout).toBe('kubets\n');
    expect(await run('config', 'set-context', 'dev', '--namespace=dev')).toMatchObject({ stdout: 'Context "dev" created.\n', code: 0 });
    expect((await run('config', 'get-contexts')).stdout).toBe(
      'CURRENT   NAME     CLUSTER          AUTHINFO   NAMESPACE\n          dev      127.0.0.1:6443   dev        dev\n*         kubets   127.0.0.1:6443   kubets     default\n',
    );
    expect((await run('config', 'use-context', 'dev')).stdout).toBe('Switched to context "dev".\n');
    expect((await run('config', 'set-context', '--current', '--namespace=qa')).stdout).toBe('Context "dev" modified.\n');
    expect((await run('config', 'get-contexts', '-o', 'name')).stdout).toBe('dev\nkubets\n');
    expect((await run('config', 'rename-context', 'dev', 'qa')).stdout).toBe('Context "dev" renamed to "qa".\n');
    expect((await run('config', 'current-context')).stdout).toBe('qa\n');
    expect((await run('config', 'delete-context', 'qa')).stderr).toContain('error: cannot delete context qa: it is the current context');
    await run('config', 'use-context', 'kubets');
    expect((await run('config', 'delete-context', 'qa')).stdout).toBe(`deleted context qa from ${configPath}\n`);
    expect(Object.keys((await loadClientConfigFile(configPath)).contexts)).toEqual(['kubets']);
  });

  it('refuses bad input with kubectl\'s messages and writes nothing', async () => {
    expect(await run('config', 'use-context', 'nope')).toMatchObject({ stderr: 'error: no context exists with the name: "nope"\n', code: 1 });
    expect(await run('config', 'get-contexts', 'nope')).toMatchObject({ stderr: 'error: context nope not found\n', code: 1 });
    const bad = await run('config', 'set-context', '--current', '--namespace=Not_Valid');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('contexts.kubets.namespace: "Not_Valid" is not a valid namespace name');
    expect((await loadClientConfigFile(configPath)).contexts.kubets?.namespace).toBe('default');
  });
});

describe('config view --minify', () => {
  it('keeps only the current context with its cluster and user', async () => {
    const path = join(dir, 'minify', 'kubeconfig');
    await mkdir(join(dir, 'minify'), { recursive: true });
    const config = buildKubeconfig([
      { name: 'a', server: 'https://127.0.0.1:1', caPem: 'A', token: 'a' },
      { name: 'b', server: 'https://127.0.0.1:2', caPem: 'B', token: 'b' },
    ]);
    await writeKubeconfig(path, config);
    const view = await runVerb(['config', 'view', '--minify', '-o', 'json'], { client: api.client, env: { KUBETS_CONFIG: join(dir, 'minify', 'config') } });
    const doc = JSON.parse(view.stdout);
    expect(doc.contexts.map((c: { name: string }) => c.name)).toEqual(['a']);
    expect(doc.clusters.map((c: { name: string }) => c.name)).toEqual(['a']);
    expect(doc.users.map((u: { name: string }) => u.name)).toEqual(['a']);
  });
});
