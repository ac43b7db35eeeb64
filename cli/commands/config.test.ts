import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
