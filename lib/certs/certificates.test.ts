import { X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type TLSSocket, connect, createServer } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CertAndKey,
  CertificateError,
  createCertificateAuthority,
  issueClientCert,
  issueServingCert,
  splitHosts,
  subjectAltNames,
} from './certificates.js';

let ca: CertAndKey;
let otherCa: CertAndKey;

beforeAll(async () => {
  [ca, otherCa] = await Promise.all([createCertificateAuthority(), createCertificateAuthority({ commonName: 'other' })]);
});

function isSignedBy(leafPem: string, caPem: string): boolean {
  const leaf = new X509Certificate(leafPem);
  const issuer = new X509Certificate(caPem);
  return leaf.checkIssued(issuer) && leaf.verify(issuer.publicKey);
}

describe('createCertificateAuthority', () => {
  it('makes a self-signed CA certificate that matches its key', () => {
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe('CN=kubets-ca');
    expect(isSignedBy(ca.certPem, ca.certPem)).toBe(true);
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(Date.parse(cert.validTo) - Date.now()).toBeGreaterThan(9 * 365 * 24 * 3600 * 1000);
  });
});

describe('issueServingCert', () => {
  it('is signed by the CA, not by another, and lists the hosts plus localhost and 127.0.0.1', async () => {
    const serving = await issueServingCert(ca, { commonName: 'node-1', hosts: ['node-1.example', '10.0.0.7', '::1'] });
    const cert = new X509Certificate(serving.certPem);
    expect(isSignedBy(serving.certPem, ca.certPem)).toBe(true);
    expect(isSignedBy(serving.certPem, otherCa.certPem)).toBe(false);
    expect(cert.ca).toBe(false);
    expect(cert.subject).toBe('CN=node-1');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(subjectAltNames(serving.certPem)).toEqual({
      dnsNames: ['localhost', 'node-1.example'],
      ipAddresses: ['127.0.0.1', '10.0.0.7', '::1'],
    });
    expect(cert.checkHost('node-1.example')).toBe('node-1.example');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('10.0.0.8')).toBeUndefined();
  });

  it('rejects a host that is neither a DNS name nor an IP', async () => {
    await expect(issueServingCert(ca, { commonName: 'x', hosts: ['bad host'] })).rejects.toThrow(CertificateError);
  });

  it('refuses a CA key that does not belong to the CA certificate', async () => {
    const mixed = { certPem: ca.certPem, keyPem: otherCa.keyPem };
    await expect(issueServingCert(mixed, { commonName: 'x' })).rejects.toThrow(/does not belong/);
  });
});

describe('issueClientCert', () => {
  it('carries the identity in CN and O and is only good for client auth', async () => {
    const client = await issueClientCert(ca, { commonName: 'kube-apiserver-kubelet-client', organizations: ['g1', 'g2'] });
    const cert = new X509Certificate(client.certPem);
    expect(isSignedBy(client.certPem, ca.certPem)).toBe(true);
    expect(cert.subject.split('\n')).toEqual(['O=g1', 'O=g2', 'CN=kube-apiserver-kubelet-client']);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
  });
});

describe('splitHosts', () => {
  it('separates, lower-cases and deduplicates DNS names and canonicalises IPs', () => {
    expect(splitHosts(['A.example', 'a.example', '*.svc', '0:0:0:0:0:0:0:1', '::1', '10.1.2.3'])).toEqual({
      dnsNames: ['a.example', '*.svc'],
      ipAddresses: ['::1', '10.1.2.3'],
    });
  });
});

describe('TLS with the issued certificates', () => {
  /** Starts a TLS server on loopback, connects once, and reports what each side saw. */
  async function handshake(options: {
    server: CertAndKey;
    trustedByClient: CertAndKey;
    client?: CertAndKey;
    trustedByServer?: CertAndKey;
  }): Promise<{ ok: true; peerCn: string | undefined } | { ok: false; code: string | undefined }> {
    const server = createServer({
      cert: options.server.certPem,
      key: options.server.keyPem,
      ...(options.trustedByServer ? { ca: options.trustedByServer.certPem, requestCert: true, rejectUnauthorized: true } : {}),
    });
    const peerCn = new Promise<string | undefined>((resolve) =>
      server.once('secureConnection', (socket: TLSSocket) => {
        resolve(socket.getPeerCertificate().subject?.CN as string | undefined);
        socket.end();
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      return await new Promise((resolve) => {
        const socket = connect({
          host: '127.0.0.1',
          port,
          ca: options.trustedByClient.certPem,
          ...(options.client ? { cert: options.client.certPem, key: options.client.keyPem } : {}),
        });
        socket.once('secureConnect', () => {
          void peerCn.then((cn) => {
            socket.destroy();
            resolve({ ok: true, peerCn: cn });
          });
        });
        socket.once('error', (err: NodeJS.ErrnoException) => {
          socket.destroy();
          resolve({ ok: false, code: err.code });
        });
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('connects to 127.0.0.1 when the client trusts the CA', async () => {
    const serving = await issueServingCert(ca, { commonName: 'kube-apiserver' });
    expect(await handshake({ server: serving, trustedByClient: ca })).toEqual({ ok: true, peerCn: undefined });
  });

  it('fails when the client trusts another CA', async () => {
    const serving = await issueServingCert(ca, { commonName: 'kube-apiserver' });
    const result = await handshake({ server: serving, trustedByClient: otherCa });
    expect(result.ok).toBe(false);
    expect(result).toHaveProperty('code', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('authenticates a client certificate to a server that requires one', async () => {
    const serving = await issueServingCert(ca, { commonName: 'kubelet' });
    const client = await issueClientCert(ca, { commonName: 'kube-apiserver-kubelet-client' });
    expect(await handshake({ server: serving, trustedByClient: ca, client, trustedByServer: ca })).toEqual({
      ok: true,
      peerCn: 'kube-apiserver-kubelet-client',
    });
  });
});
