import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, createCsr, parseCsr, signCsr } from '../../../lib/certs/index.js';
import { loadClientCertificate, rotationDeadline } from './client-certificate.js';

const dir = mkdtempSync(join(tmpdir(), 'kubets-client-cert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function issue(durationMs: number): Promise<{ certPem: string; keyPem: string }> {
  const ca = await createCertificateAuthority();
  const { csrPem, keyPem } = await createCsr({ commonName: 'system:node:n1', organizations: ['system:nodes'] });
  return { certPem: await signCsr(ca, parseCsr(csrPem), { usages: ['digital signature', 'client auth'], durationMs }), keyPem };
}

describe('client certificate rotation', () => {
  it('renews at 70 to 90 % of the lifetime, jittered', async () => {
    const { certPem } = await issue(100_000);
    const x = new X509Certificate(certPem);
    const [from, to] = [Date.parse(x.validFrom), Date.parse(x.validTo)];
    expect(rotationDeadline(certPem, 0)).toBe(from + (to - from) * 0.7);
    expect(rotationDeadline(certPem, 0.999)).toBeCloseTo(from + (to - from) * 0.9, -2);
    // A short certificate is backdated by a tenth of its duration at most, so its renewal is still ahead.
    expect(rotationDeadline(certPem, 0)).toBeGreaterThan(Date.now());
  });

  it('takes the kept certificate when it is valid and matches its key, else the initial one', async () => {
    const initial = await issue(60_000);
    const kept = await issue(60_000);
    const file = join(dir, 'kubelet-client-current.pem');
    expect(await loadClientCertificate(file, initial)).toBe(initial);
    writeFileSync(file, kept.certPem + kept.keyPem);
    expect(await loadClientCertificate(file, initial)).toEqual(kept);
    writeFileSync(file, kept.certPem + initial.keyPem);
    expect(await loadClientCertificate(file, initial)).toBe(initial);
    writeFileSync(file, kept.certPem + kept.keyPem);
    expect(await loadClientCertificate(file, initial, Date.now() + 120_000)).toBe(initial);
  });
});
