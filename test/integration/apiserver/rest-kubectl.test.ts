import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isApiError } from '../../../lib/api/errors.js';
import { createCertificateAuthority, issueClientCert } from '../../../lib/certs/certificates.js';
import type { ControlPlane } from '../../harness/control-plane.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { eventually, pod } from './helpers.js';
import { kubectl, kubectlOk, requireKubectl, spawnKubectl, writeKubeconfig } from './rest-helpers.js';

// The real kubectl 1.32 against the HTTP API, with its defaults: it finds in the OpenAPI
// documents that the server validates fields itself (fieldValidation), and reads them for explain.

const podManifest = (name: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {app: web}
spec:
  containers:
  - name: c
    image: busybox:1.36
`;

const rcManifest = `apiVersion: v1
kind: ReplicationController
metadata: {name: rc1}
spec:
  replicas: 1
  selector: {app: rc1}
  template:
    metadata: {labels: {app: rc1}}
    spec:
      containers: [{name: c, image: busybox:1.36}]
`;

function writeFile(cp: ControlPlane, name: string, text: string): string {
  const path = join(cp.dataDir, name);
  writeFileSync(path, text);
  return path;
}

describe('kubectl 1.32 over the HTTP API', () => {
  const f = useControlPlane();
  let config: string;
  beforeAll(() => {
    requireKubectl();
    config = writeKubeconfig(f.cp, 'admin');
  });

  it('creates from a manifest, gets, prints YAML and deletes', async () => {
    expect(await kubectlOk(config, ['create', '-f', '-'], podManifest('web'))).toBe('pod/web created\n');
    // The columns come from the server (a meta.k8s.io Table made by the CLI's own printers).
    const table = await kubectlOk(config, ['get', 'pods']);
    expect(table).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    expect(table).toMatch(/^web\s+0\/1\s+Pending\s+0\s+\d+s\n/m);
    const wide = await kubectlOk(config, ['get', 'pods', '-o', 'wide', '-A', '--show-labels']);
    expect(wide).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\s+LABELS\n/);
    expect(wide).toMatch(/^default\s+web\s+0\/1\s+Pending.*app=web\n/m);
    expect(await kubectlOk(config, ['get', 'services'])).toMatch(/^kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+\d+s$/m);
    const yaml = await kubectlOk(config, ['get', 'pod', 'web', '-o', 'yaml']);
    expect(yaml).toMatch(/^apiVersion: v1$/m);
    expect(yaml).toMatch(/^kind: Pod$/m);
    expect(yaml).toMatch(/^ {2}name: web$/m);
    expect(yaml).toMatch(/^ {2}uid: /m);
    expect(await kubectlOk(config, ['delete', 'pod', 'web'])).toBe('pod "web" deleted\n');
    const missing = await kubectl(config, ['get', 'pod', 'web']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): pods "web" not found\n');
  });

  it('labels and annotates', async () => {
    await kubectlOk(config, ['create', '-f', '-'], podManifest('marked'));
    expect(await kubectlOk(config, ['label', 'pod', 'marked', 'tier=front'])).toBe('pod/marked labeled\n');
    expect(await kubectlOk(config, ['annotate', 'pod', 'marked', 'note=hello'])).toBe('pod/marked annotated\n');
    const got = await f.client.resource('pod').get('default', 'marked');
    expect(got.metadata?.labels).toEqual({ app: 'web', tier: 'front' });
    expect(got.metadata?.annotations).toMatchObject({ note: 'hello' });
    expect(await kubectlOk(config, ['get', 'pods', '-l', 'tier=front', '-o', 'name'])).toBe('pod/marked\n');
  });

  it('scales a ReplicationController through its scale subresource', async () => {
    await kubectlOk(config, ['create', '-f', '-'], rcManifest);
    expect(await kubectlOk(config, ['scale', 'rc', 'rc1', '--replicas=3'])).toBe('replicationcontroller/rc1 scaled\n');
    expect((await f.client.resource('replicationController').get('default', 'rc1')).spec?.replicas).toBe(3);
  });

  it('applies twice, removing a field the second manifest dropped', async () => {
    const manifest = (data: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\ndata: {${data}}\n`;
    expect(await kubectlOk(config, ['apply', '-f', '-'], manifest('a: "1", b: "2"'))).toBe('configmap/applied created\n');
    expect(await kubectlOk(config, ['apply', '-f', '-'], manifest('a: "1"'))).toBe('configmap/applied configured\n');
    expect((await f.client.resource('configMap').get('default', 'applied')).data).toEqual({ a: '1' });
  });

  it('watches: get pods -w prints a pod created afterwards', async () => {
    const child = spawnKubectl(config, ['get', 'pods', '-w', '--request-timeout=60s']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await eventually(async () => /^marked\s/m.test(out), 30_000, 'the initial list');
      await f.client.resource('pod').create(pod('watched'));
      await eventually(async () => /^watched\s+0\/1\s+Pending\s/m.test(out), 30_000, 'the added pod in the watch');
    } finally {
      child.kill();
    }
  });

  it('edits with $EDITOR and explains fields from the OpenAPI documents', async () => {
    expect(await kubectlOk(config, ['edit', 'rc', 'rc1'], undefined, { EDITOR: 'sed -i s/replicas:\\ 3/replicas:\\ 2/' })).toBe('replicationcontroller/rc1 edited\n');
    expect((await f.client.resource('replicationController').get('default', 'rc1')).spec?.replicas).toBe(2);
    expect(await kubectlOk(config, ['explain', 'pods.spec.restartPolicy'])).toMatch(/^KIND:\s+Pod\nVERSION:\s+v1\n\nFIELD: restartPolicy <string>/);
  });

  it('lists the API resources from discovery', async () => {
    const out = await kubectlOk(config, ['api-resources']);
    expect(out).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(out).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(out).toMatch(/^nodes\s+no\s+v1\s+false\s+Node$/m);
  });

  it('prints the server error of an invalid manifest and exits 1', async () => {
    const bad = 'apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec: {containers: []}\n';
    const r = await kubectl(config, ['create', '-f', '-'], bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('The Pod "bad" is invalid: spec.containers: Required value\n');
    const unknown = await kubectl(config, ['create', '-f', '-'], podManifest('x').replace('spec:', 'spec:\n  bogus: 1'));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('strict decoding error: unknown field "spec.bogus"');
    await expect(f.client.resource('pod').get('default', 'x')).rejects.toSatisfy((err) => isApiError(err, 'NotFound'));
  });

  it('authenticates a client certificate of the cluster CA (CN = user, O = groups)', async () => {
    const pki = join(f.cp.dataDir, 'pki');
    const ca = { certPem: readFileSync(join(pki, 'ca.crt'), 'utf8'), keyPem: readFileSync(join(pki, 'ca.key'), 'utf8') };
    const client = await issueClientCert(ca, { commonName: 'jane', organizations: ['system:masters'] });
    const path = writeKubeconfig(f.cp, 'cert', '');
    const withCert = await kubectl(path, ['get', 'pods', '-o', 'name', '--client-certificate', writeFile(f.cp, 'jane.crt', client.certPem), '--client-key', writeFile(f.cp, 'jane.key', client.keyPem)]);
    expect(withCert.stderr).toBe('');
    expect(withCert.stdout).toContain('pod/marked');
    const stranger = await issueClientCert(await createCertificateAuthority(), { commonName: 'mallory' });
    const refused = await kubectl(path, ['get', 'pods', '--client-certificate', writeFile(f.cp, 'mallory.crt', stranger.certPem), '--client-key', writeFile(f.cp, 'mallory.key', stranger.keyPem)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('(Unauthorized)');
  });

  it('refuses a wrong token as Unauthorized', async () => {
    const r = await kubectl(writeKubeconfig(f.cp, 'wrong', 'not-a-token'), ['get', 'pods']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: You must be logged in to the server (Unauthorized)');
  });
});
