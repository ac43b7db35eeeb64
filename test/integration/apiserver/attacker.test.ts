import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3, type IOptions } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { aescbcConfigYaml, newAesKey } from '../../../services/apiserver/index.js';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { rawEtcdClient } from '../../harness/etcd.js';

// An attacker's tries on a running cluster, each of which once worked: the components' tokens
// writing and reading Secrets, a pod on the host's network reading Secrets straight from etcd, a
// pod mounting the host's files (the CA key, the token file), and a privileged pod created with a
// kubelet's token. Each now fails, at the layer that stops it.

const SCHEDULER = 'system:kube-scheduler';
const CONTROLLER_MANAGER = 'system:kube-controller-manager';
const PROXY = 'system:kube-proxy';
const KUBELET = 'system:node:n1';
const DEVELOPER = 'mallory';

let cp: ControlPlane;
let admin: ApiClient;
let dir: string;
const as: Record<string, ApiClient> = {};

const pod = (name: string, spec: Partial<t.PodSpec>, namespace = 'dev'): t.Pod => ({
  metadata: { name, namespace },
  spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], ...spec },
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubets-attacker-'));
  const encryption = join(dir, 'encryption.yaml');
  writeFileSync(encryption, aescbcConfigYaml([newAesKey('key1')]), { mode: 0o600 });
  cp = await startControlPlane({
    etcdTls: true,
    apiserver: { encryptionProviderConfig: encryption },
    users: [{ name: SCHEDULER }, { name: CONTROLLER_MANAGER }, { name: PROXY }, { name: KUBELET, groups: ['system:nodes'] }, { name: DEVELOPER }],
  });
  admin = cp.client();
  for (const user of [SCHEDULER, CONTROLLER_MANAGER, PROXY, KUBELET, DEVELOPER]) as[user] = cp.clientAs(user);
  await admin.resource('namespace').create({ metadata: { name: 'dev' } });
  await admin.resource('secret').create({ metadata: { name: 'db', namespace: 'dev' }, stringData: { password: 'hunter2-plaintext' } });
  // The developer may edit everything in dev, as the `edit` role allows: still no host access.
  await admin.resource('roleBinding').create({
    metadata: { name: 'mallory-edit', namespace: 'dev' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: DEVELOPER }],
  });
}, 120_000);

afterAll(async () => {
  await cp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("an attacker's tries", () => {
  it('component tokens cannot create Secrets, and only the controller manager (whose garbage collector must) reads or deletes them', async () => {
    for (const user of [SCHEDULER, CONTROLLER_MANAGER, PROXY, KUBELET]) {
      await expect(as[user]!.resource('secret').create({ metadata: { name: `stolen-${user.replace(/:/g, '-')}`, namespace: 'dev' } }), `${user} creates`).rejects.toMatchObject({ reason: 'Forbidden' });
    }
    for (const user of [SCHEDULER, PROXY, KUBELET]) {
      await expect(as[user]!.resource('secret').get('dev', 'db'), `${user} reads`).rejects.toMatchObject({ reason: 'Forbidden' });
      await expect(as[user]!.resource('secret').delete('dev', 'db'), `${user} deletes`).rejects.toMatchObject({ reason: 'Forbidden' });
    }
  });

  it("the proxy's token cannot start a pod on the host's network", async () => {
    await expect(as[PROXY]!.resource('pod').create(pod('sniffer', { hostNetwork: true }))).rejects.toMatchObject({ reason: 'Forbidden' });
  });

  it('etcd refuses a client without its certificate, and holds Secrets only as ciphertext', async () => {
    const ca = readFileSync(cp.etcd.tls!.caFile);
    const anonymous = new Etcd3({ hosts: [cp.etcd.endpoint], dialTimeout: 2_000, credentials: { rootCertificate: ca }, faultHandling: { global: undefined, host: undefined } as unknown as IOptions['faultHandling'] });
    try {
      await expect(anonymous.get('/registry/secrets/dev/db').buffer()).rejects.toThrow(/bad certificate|certificate required/);
    } finally {
      anonymous.close();
    }
    // Even with the apiserver's own client certificate, the stored Secret is ciphertext.
    const withCert = rawEtcdClient(cp.etcd);
    try {
      const stored = (await withCert.get('/registry/secrets/dev/db').buffer())!;
      expect(stored.subarray(0, 'k8s:enc:aescbc:v1:key1:'.length).toString()).toBe('k8s:enc:aescbc:v1:key1:');
      expect(stored.includes(Buffer.from('hunter2-plaintext'))).toBe(false);
    } finally {
      withCert.close();
    }
  });

  it("a developer's pod cannot mount the host's files, run privileged or join the host's network", async () => {
    const refused = async (p: t.Pod, check: string): Promise<void> => {
      await expect(as[DEVELOPER]!.resource('pod').create(p)).rejects.toMatchObject({ reason: 'Forbidden', message: expect.stringContaining(`violates PodSecurity "baseline:latest": ${check}`) });
    };
    await refused(pod('reader', { volumes: [{ name: 'pki', hostPath: { path: '/var/lib/kubets/pki' } }] }), 'hostPath volumes (volume "pki")');
    await refused(pod('root', { containers: [{ name: 'c', image: 'busybox:1.36', securityContext: { privileged: true } }] }), 'privileged (container "c" must not set securityContext.privileged=true)');
    await refused(pod('sniffer', { hostNetwork: true }), 'host namespaces (hostNetwork=true)');
    await expect(as[DEVELOPER]!.resource('pod').create(pod('plain', {}))).resolves.toMatchObject({ metadata: { name: 'plain' } });
  });

  it("a kubelet's token cannot create a privileged pod", async () => {
    const privileged = pod('escape', { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox:1.36', securityContext: { privileged: true } }] }, 'default');
    await expect(as[KUBELET]!.resource('pod').create(privileged)).rejects.toMatchObject({ reason: 'Forbidden' });
  });
});
