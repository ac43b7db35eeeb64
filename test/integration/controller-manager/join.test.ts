import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isApiError } from '../../../lib/api/errors.js';
import { bootstrapTokenSecretData, DEFAULT_NODE_TOKEN_GROUP } from '../../../lib/auth/bootstrap-token.js';
import { caCertHash } from '../../../lib/certs/index.js';
import { ApiClient } from '../../../lib/client/client.js';
import { loadClientConfig } from '../../../lib/client-config.js';
import { joinNode, type JoinOptions } from '../../../cli/join/join.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { runCli } from '../../e2e/cli/cli-harness.js';
import { eventually, useManagers } from './helpers.js';

// kubets join against a real apiserver and controller-manager: bootstrap token, CSRs approved and
// signed by the controllers, and the identities the node ends up with.

const cluster = useControlPlane();
const managers = useManagers(() => cluster.client);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const signing = () => ({
  controllers: ['csrapproving', 'csrsigning', 'tokencleaner'],
  clusterSigningCa: { certPem: cluster.cp.caPem, keyPem: readFileSync(join(cluster.cp.dataDir, 'pki', 'ca.key'), 'utf8') },
});

async function createToken(id: string, secret: string, expiresAt = new Date(Date.now() + 3600_000)): Promise<string> {
  const data = bootstrapTokenSecretData({ id, secret }, { expiresAt, groups: [DEFAULT_NODE_TOKEN_GROUP] });
  await cluster.client.resource('secret').create({ metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' }, type: 'bootstrap.kubernetes.io/token', stringData: data });
  return `${id}.${secret}`;
}

function options(o: Partial<JoinOptions>): JoinOptions {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'kubets-join-')), 'node');
  dirs.push(join(dataDir, '..'));
  return {
    server: cluster.cp.apiservers[0]!.address,
    token: '',
    caCertHashes: [caCertHash(cluster.cp.caPem)],
    unsafeSkipCaVerification: false,
    nodeName: 'joined-1',
    nodeIp: '10.20.0.2',
    dataDir,
    timeoutMs: 30_000,
    ...o,
  };
}

/** The status of an HTTPS GET, without credentials or with a bearer token. */
function httpsStatus(port: number, path: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = token ? { authorization: `Bearer ${token}` } : {};
    const req = request({ host: '127.0.0.1', port, path, headers, ca: cluster.cp.caPem, servername: 'localhost' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

const csrCount = async (): Promise<number> => (await cluster.client.resource('certificateSigningRequest').list('')).items.length;

async function clientFrom(path: string): Promise<ApiClient> {
  return ApiClient.fromConfig(await loadClientConfig({ path, env: {} }));
}

describe('kubets join', () => {
  it('gives the node its own identity: it may update its Node and no other, and its proxy reads Services only', async () => {
    await managers.start({ settings: signing() });
    await cluster.client.resource('node').create({ metadata: { name: 'someone-else' } });
    const token = await createToken('abcdef', '0123456789abcdef');
    const o = options({ token });
    const joined = await joinNode(o);

    const clientCert = new X509Certificate(readFileSync(join(o.dataDir, 'kubelet.crt')));
    expect(clientCert.subject).toBe('O=system:nodes\nCN=system:node:joined-1');
    expect(clientCert.verify(new X509Certificate(cluster.cp.caPem).publicKey)).toBe(true);
    const serving = new X509Certificate(readFileSync(joined.servingCertFile));
    expect(serving.subjectAltName).toBe('DNS:joined-1, IP Address:10.20.0.2');
    expect(readFileSync(joined.caFile, 'utf8')).toBe(cluster.cp.caPem);
    expect(readFileSync(joined.envFile, 'utf8')).toBe(
      `KUBETS_KUBELET_ARGS="--kubeconfig ${o.dataDir}/kubelet.conf --node-name joined-1 --node-ip 10.20.0.2 --tls-cert-file ${o.dataDir}/kubelet-serving.crt --tls-private-key-file ${o.dataDir}/kubelet-serving.key --client-ca-file ${o.dataDir}/ca.crt"\n` +
        `KUBETS_PROXY_ARGS="--kubeconfig ${o.dataDir}/proxy.conf --node-ip 10.20.0.2 --hostname-override joined-1"\n`,
    );
    expect(readFileSync(joined.kubeletConfig, 'utf8')).not.toContain(o.dataDir);

    const kubelet = await clientFrom(joined.kubeletConfig);
    try {
      const own = await kubelet.resource('node').get('', 'joined-1');
      await kubelet.resource('node').update({ ...own, metadata: { ...own.metadata, labels: { joined: 'yes' } } });
      const other = await kubelet.resource('node').get('', 'someone-else');
      await expect(kubelet.resource('node').update({ ...other, metadata: { ...other.metadata, labels: { hijacked: 'yes' } } })).rejects.toSatisfy((err) => isApiError(err, 'Forbidden'));
    } finally {
      kubelet.close();
    }
    const proxy = await clientFrom(joined.proxyConfig);
    try {
      await proxy.resource('service').list('default');
      await expect(proxy.resource('secret').list('kube-system')).rejects.toSatisfy((err) => isApiError(err, 'Forbidden'));
      // Its own identity (system:kube-proxy:joined-1): the network annotations of its own Node, nobody else's.
      const network = { metadata: { annotations: { 'network.kubets.io/public-ip': '10.20.0.2' } } };
      await proxy.resource('node').patch('', 'joined-1', network);
      await expect(proxy.resource('node').patch('', 'someone-else', network)).rejects.toThrow('node "joined-1" is not allowed to modify node "someone-else"');
    } finally {
      proxy.close();
    }
    const csrs = (await cluster.client.resource('certificateSigningRequest').list('')).items;
    expect(csrs.map((c) => [c.spec?.signerName, c.spec?.username]).sort()).toEqual([
      ['kubernetes.io/kube-apiserver-client', 'system:node:joined-1'],
      ['kubernetes.io/kube-apiserver-client-kubelet', 'system:bootstrap:abcdef'],
      ['kubernetes.io/kubelet-serving', 'system:node:joined-1'],
    ]);
  });

  it.each([
    ['a wrong token', async () => 'abcdef.0123456789abcdee', 'the bootstrap token was refused by the API server (Unauthorized): token ID "abcdef" is unknown, expired or its secret is wrong'],
    ['an expired token', () => createToken('expird', '0123456789abcdef', new Date(Date.now() - 1000)), 'the bootstrap token was refused by the API server (Unauthorized): token ID "expird" is unknown, expired or its secret is wrong'],
  ])('stops at %s with nothing created or written', async (_what, token, message) => {
    const before = await csrCount();
    const o = options({ token: await token(), nodeName: 'refused' });
    await expect(joinNode(o)).rejects.toThrow(message);
    expect(await csrCount()).toBe(before);
    expect(existsSync(o.dataDir)).toBe(false);
  });

  it('stops at a wrong CA hash before it sends the token anywhere', async () => {
    const before = await csrCount();
    const token = await createToken('wrongh', '0123456789abcdef');
    const o = options({ token, caCertHashes: [`sha256:${'0'.repeat(64)}`] });
    await expect(joinNode(o)).rejects.toThrow(`cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${caCertHash(cluster.cp.caPem)}" are pinned`);
    expect(await csrCount()).toBe(before);
    expect(existsSync(o.dataDir)).toBe(false);
  });

  it('kubets join exits non-zero with that message and writes nothing', async () => {
    const token = await createToken('clitok', '0123456789abcdef');
    const o = options({});
    const wrongHash = `sha256:${'1'.repeat(64)}`;
    const r = await runCli(['join', o.server, '--token', token, '--discovery-token-ca-cert-hash', wrongHash, '--node-name', 'cli-node', '--node-ip', '10.20.0.9', '--data-dir', o.dataDir], {}, { timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${caCertHash(cluster.cp.caPem)}" are pinned\n`);
    expect(existsSync(o.dataDir)).toBe(false);
  }, 150_000);

  it('lets anonymous users read cluster-info and nothing else', async () => {
    const anonymous = new ApiClient({ servers: [cluster.cp.apiservers[0]!.address], unverifiedTls: true });
    try {
      const info = await anonymous.resource('configMap').get('kube-public', 'cluster-info');
      expect(info.data?.kubeconfig).toContain('certificate-authority-data');
      await expect(anonymous.resource('configMap').list('kube-public')).rejects.toSatisfy((err) => isApiError(err, 'Unauthorized'));
      await expect(anonymous.resource('secret').get('kube-system', 'bootstrap-token-abcdef')).rejects.toSatisfy((err) => isApiError(err, 'Unauthorized'));
    } finally {
      anonymous.close();
    }
    const port = cluster.cp.apiservers[0]!.restPort!;
    expect(await httpsStatus(port, '/api/v1/namespaces/kube-public/configmaps/cluster-info')).toBe(200);
    expect(await httpsStatus(port, '/api/v1/namespaces/kube-public/configmaps')).toBe(401);
    expect(await httpsStatus(port, '/api/v1/namespaces/default/configmaps/cluster-info')).toBe(401);
  });

  it('authenticates a bootstrap token on the HTTP API too, until its Secret is gone', async () => {
    const token = await createToken('resttk', '0123456789abcdef');
    const port = cluster.cp.apiservers[0]!.restPort!;
    const csrs = '/apis/certificates.k8s.io/v1/certificatesigningrequests';
    await eventually(async () => (await httpsStatus(port, csrs, token)) === 200, 10_000, 'bootstrap token accepted');
    expect(await httpsStatus(port, '/api/v1/namespaces/kube-system/secrets', token)).toBe(403);
    await cluster.client.resource('secret').delete('kube-system', 'bootstrap-token-resttk');
    await eventually(async () => (await httpsStatus(port, csrs, token)) === 401, 10_000, 'deleted token refused');
  });

  it('deletes expired bootstrap tokens (tokencleaner)', async () => {
    await createToken('oldtok', '0123456789abcdef', new Date(Date.now() - 60_000));
    await managers.start({ settings: signing() });
    await eventually(async () => {
      try {
        await cluster.client.resource('secret').get('kube-system', 'bootstrap-token-oldtok');
        return false;
      } catch (err) {
        return isApiError(err, 'NotFound');
      }
    }, 30_000, 'expired token deleted');
  });
});
