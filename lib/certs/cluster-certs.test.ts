import { X509Certificate } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CertificateError, createCertificateAuthority, issueClientCert, subjectAltNames } from './certificates.js';
import { ensureClusterCerts, ensureEtcdCerts } from './cluster-certs.js';

let root: string;
let dir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'kubets-certs-'));
  dir = join(root, 'pki');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('ensureClusterCerts', () => {
  it('creates the CA, the apiserver serving cert and its kubelet client cert with private modes', async () => {
    const certs = await ensureClusterCerts(dir, { hosts: ['10.96.0.1', 'kubernetes.default'] });
    expect(certs.written).toEqual(['ca', 'apiserver', 'apiserver-kubelet-client']);
    expect(await mode(dir)).toBe(0o700);
    for (const name of ['ca', 'apiserver', 'apiserver-kubelet-client']) {
      expect(await mode(join(dir, `${name}.key`))).toBe(0o600);
      expect(await readFile(join(dir, `${name}.crt`), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    }
    expect(certs.ca.certPath).toBe(join(dir, 'ca.crt'));
    expect(certs.apiserver.keyPath).toBe(join(dir, 'apiserver.key'));
    expect(await readFile(certs.apiserver.keyPath, 'utf8')).toBe(certs.apiserver.keyPem);

    const caCert = new X509Certificate(certs.ca.certPem);
    for (const leaf of [certs.apiserver, certs.apiserverKubeletClient]) {
      const cert = new X509Certificate(leaf.certPem);
      expect(cert.checkIssued(caCert)).toBe(true);
      expect(cert.verify(caCert.publicKey)).toBe(true);
    }
    expect(subjectAltNames(certs.apiserver.certPem)).toEqual({
      dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
      ipAddresses: ['127.0.0.1', '10.96.0.1'],
    });
    expect(new X509Certificate(certs.apiserverKubeletClient.certPem).subject).toBe('CN=kube-apiserver-kubelet-client');
  });

  it('is idempotent: a second call writes nothing and returns the same material', async () => {
    const first = await ensureClusterCerts(dir, { hosts: ['10.96.0.1'] });
    const second = await ensureClusterCerts(dir, { hosts: ['10.96.0.1'] });
    expect(second.written).toEqual([]);
    expect(second.ca.certPem).toBe(first.ca.certPem);
    expect(second.apiserver.certPem).toBe(first.apiserver.certPem);
    expect(second.apiserverKubeletClient.keyPem).toBe(first.apiserverKubeletClient.keyPem);
  });

  it('keeps the CA and reissues only the serving cert when a new host is asked for', async () => {
    const first = await ensureClusterCerts(dir);
    const second = await ensureClusterCerts(dir, { hosts: ['apiserver-2.local'] });
    expect(second.written).toEqual(['apiserver']);
    expect(second.ca.certPem).toBe(first.ca.certPem);
    expect(subjectAltNames(second.apiserver.certPem).dnsNames).toContain('apiserver-2.local');
  });

  it('reissues a missing leaf and a leaf signed by another CA', async () => {
    await ensureClusterCerts(dir);
    await unlink(join(dir, 'apiserver-kubelet-client.key'));
    const foreign = await createCertificateAuthority();
    await writeFile(join(dir, 'apiserver.crt'), foreign.certPem);
    await writeFile(join(dir, 'apiserver.key'), foreign.keyPem);
    const again = await ensureClusterCerts(dir);
    expect(again.written).toEqual(['apiserver', 'apiserver-kubelet-client']);
    expect(new X509Certificate(again.apiserver.certPem).checkIssued(new X509Certificate(again.ca.certPem))).toBe(true);
  });

  it('renews a leaf that expires within 30 days', async () => {
    const first = await ensureClusterCerts(dir);
    const shortLived = await issueClientCert(first.ca, { commonName: 'kube-apiserver-kubelet-client', validityDays: 10 });
    await writeFile(first.apiserverKubeletClient.certPath, shortLived.certPem);
    await writeFile(first.apiserverKubeletClient.keyPath, shortLived.keyPem);
    const again = await ensureClusterCerts(dir);
    expect(again.written).toEqual(['apiserver-kubelet-client']);
    const validTo = Date.parse(new X509Certificate(again.apiserverKubeletClient.certPem).validTo);
    expect(validTo - Date.now()).toBeGreaterThan(300 * 24 * 3600 * 1000);
  });

  it('tightens loose permissions on existing key files and the directory', async () => {
    await ensureClusterCerts(dir);
    await chmod(join(dir, 'ca.key'), 0o644);
    await chmod(dir, 0o755);
    await ensureClusterCerts(dir);
    expect(await mode(join(dir, 'ca.key'))).toBe(0o600);
    expect(await mode(dir)).toBe(0o700);
  });

  it('refuses a CA whose key does not match instead of replacing it', async () => {
    await ensureClusterCerts(dir);
    const foreign = await createCertificateAuthority();
    await writeFile(join(dir, 'ca.key'), foreign.keyPem);
    await expect(ensureClusterCerts(dir)).rejects.toThrow(new CertificateError(`${join(dir, 'ca.key')} does not belong to ${join(dir, 'ca.crt')}`));
  });

  it('rejects a bad host before writing anything', async () => {
    await expect(ensureClusterCerts(dir, { hosts: ['no spaces'] })).rejects.toThrow(CertificateError);
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
  });
});

describe('ensureEtcdCerts', () => {
  it("creates etcd's own CA, member certificates for the given hosts and the apiserver's client certificate, keys 0600", async () => {
    const cluster = await ensureClusterCerts(dir);
    const etcd = await ensureEtcdCerts(dir, { hosts: ['192.168.56.11', 'master1'] });
    expect(etcd.written).toEqual(['etcd/ca', 'etcd/server', 'etcd/peer', 'apiserver-etcd-client']);
    expect(await mode(join(dir, 'etcd'))).toBe(0o700);
    for (const name of ['etcd/ca', 'etcd/server', 'etcd/peer', 'apiserver-etcd-client']) expect(await mode(join(dir, `${name}.key`))).toBe(0o600);
    const etcdCa = new X509Certificate(etcd.ca.certPem);
    expect(etcdCa.subject).toBe('CN=etcd-ca');
    expect(etcd.ca.certPem).not.toBe(cluster.ca.certPem);
    for (const leaf of [etcd.server, etcd.peer, etcd.apiserverEtcdClient]) {
      expect(new X509Certificate(leaf.certPem).checkIssued(etcdCa)).toBe(true);
      expect(new X509Certificate(leaf.certPem).checkIssued(new X509Certificate(cluster.ca.certPem))).toBe(false);
    }
    // Members dial each other with these: both server and client auth.
    expect(new X509Certificate(etcd.peer.certPem).keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(subjectAltNames(etcd.server.certPem)).toEqual({ dnsNames: ['localhost', 'master1'], ipAddresses: ['127.0.0.1', '192.168.56.11'] });
    expect(new X509Certificate(etcd.apiserverEtcdClient.certPem).subject.split('\n')).toEqual(['O=system:masters', 'CN=kube-apiserver-etcd-client']);
    expect((await ensureEtcdCerts(dir, { hosts: ['192.168.56.11', 'master1'] })).written).toEqual([]);
    expect((await ensureEtcdCerts(dir, { hosts: ['192.168.56.12'] })).written).toEqual(['etcd/server', 'etcd/peer']);
  });
});

describe('the ServiceAccount signing key', () => {
  it('is created beside the CA as sa.key and sa.pub, both 0600, and kept on later calls', async () => {
    const first = await ensureClusterCerts(dir);
    expect(await mode(join(dir, 'sa.key'))).toBe(0o600);
    expect(await mode(join(dir, 'sa.pub'))).toBe(0o600);
    expect(first.serviceAccountKey.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const second = await ensureClusterCerts(dir);
    expect(second.serviceAccountKey.keyPem).toBe(first.serviceAccountKey.keyPem);
  });
});
