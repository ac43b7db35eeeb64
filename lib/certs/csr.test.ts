import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCertificateAuthority } from './certificates.js';
import { caCertHash, createCsr, parseCsr, signCsr, verifyCsrSignature } from './csr.js';

describe('certificate signing requests', () => {
  it('parses what createCsr makes: subject, organizations and SANs', async () => {
    const { csrPem, keyPem } = await createCsr({ commonName: 'system:node:n1', organizations: ['system:nodes'], hosts: ['n1', '10.0.0.5'] });
    expect(keyPem).toContain('PRIVATE KEY');
    const parsed = parseCsr(csrPem);
    expect(await verifyCsrSignature(parsed)).toBe(true);
    expect(parsed).toMatchObject({ commonName: 'system:node:n1', organizations: ['system:nodes'], dnsNames: ['n1'], ipAddresses: ['10.0.0.5'], emailAddresses: [], uris: [] });
  });

  it.each([
    ['no PEM', 'hello'],
    ['a certificate instead', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'],
    ['garbage in the block', '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n'],
  ])('refuses %s', async (_what, pem) => {
    expect(() => parseCsr(pem)).toThrow();
  });

  it('signs a CSR with the CA, keeping the subject and the usages asked for', async () => {
    const ca = await createCertificateAuthority();
    const { csrPem } = await createCsr({ commonName: 'system:node:n1', organizations: ['system:nodes'], hosts: ['10.0.0.5'] });
    const certPem = await signCsr(ca, parseCsr(csrPem), { usages: ['digital signature', 'server auth'], durationMs: 3600_000 });
    const cert = new X509Certificate(certPem);
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(cert.subject).toContain('CN=system:node:n1');
    expect(cert.subject).toContain('O=system:nodes');
    expect(cert.subjectAltName).toBe('IP Address:10.0.0.5');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(Date.parse(cert.validTo) - Date.now()).toBeLessThanOrEqual(3600_000);
  });

  it("hashes the CA's public key as kubeadm and openssl do", async () => {
    const ca = await createCertificateAuthority();
    const dir = mkdtempSync(join(tmpdir(), 'ca-hash-'));
    writeFileSync(join(dir, 'ca.crt'), ca.certPem);
    const pub = execFileSync('openssl', ['x509', '-in', join(dir, 'ca.crt'), '-pubkey', '-noout']);
    const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: pub });
    const digest = execFileSync('sha256sum', [], { input: der }).toString().split(' ')[0];
    expect(caCertHash(ca.certPem)).toBe(`sha256:${digest}`);
  });
});
