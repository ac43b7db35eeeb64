import { randomBytes } from 'node:crypto';
import type { CertificateSigningRequest } from '../api/generated/index.js';
import type { ApiClient } from '../client/client.js';
import { createCsr, type CsrSubject } from './csr.js';

export interface CertificateRequest {
  /** Shown in errors and the CSR's name. */
  purpose: string;
  subject: CsrSubject;
  signerName: string;
  usages: string[];
}

export class CertificateRequestError extends Error {
  override readonly name = 'CertificateRequestError';
}

const POLL_MS = 500;

/**
 * Asks for a certificate the way a kubelet bootstraps and renews: a new key made here (it never
 * leaves this machine), a CSR for it created with the caller's identity, then a wait until the
 * request is approved and signed. Denied or failed requests, and requests nobody decides on in
 * time, are errors.
 */
export async function requestCertificate(
  client: ApiClient,
  req: CertificateRequest,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ certPem: string; keyPem: string; name: string }> {
  const { csrPem, keyPem } = await createCsr(req.subject);
  const csrs = client.resource('certificateSigningRequest');
  const name = `${req.purpose}-csr-${randomBytes(4).toString('hex')}`;
  const wanted: CertificateSigningRequest = {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name },
    spec: { request: Buffer.from(csrPem), signerName: req.signerName, usages: req.usages },
  };
  await csrs.create(wanted, { ...(signal && { signal }) });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    const csr = await csrs.get('', name, { ...(signal && { signal }) });
    const conditions = csr.status?.conditions ?? [];
    const bad = conditions.find((c) => (c.type === 'Denied' || c.type === 'Failed') && c.status === 'True');
    if (bad) throw new CertificateRequestError(`certificate signing request ${name} (${req.purpose}) was ${(bad.type ?? '').toLowerCase()}: ${bad.reason ?? ''} ${bad.message ?? ''}`.trim());
    const cert = csr.status?.certificate;
    if (cert && cert.length > 0) return { certPem: Buffer.from(cert).toString('utf8'), keyPem, name };
    if (Date.now() > deadline) {
      const state = conditions.some((c) => c.type === 'Approved') ? 'approved but not signed (is the controller-manager running with --cluster-signing-cert-file?)' : 'not approved (approve it with kubets certificate approve)';
      throw new CertificateRequestError(`timed out waiting for certificate signing request ${name} (${req.purpose}): ${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
