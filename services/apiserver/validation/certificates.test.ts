import { describe, expect, it } from 'vitest';
import type { CertificateSigningRequest } from '../../../lib/api/generated/index.js';
import { createCsr } from '../../../lib/certs/index.js';
import {
  validateCertificateSigningRequest,
  validateCertificateSigningRequestApproval,
  validateCertificateSigningRequestStatusUpdate,
} from './certificates.js';

const messages = (errs: { message: string }[]): string[] => errs.map((e) => e.message);
const { csrPem } = await createCsr({ commonName: 'system:node:n1', organizations: ['system:nodes'] });
// Only the shape matters to the status checks; any PEM certificate will do.
const certPem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function csr(spec: Partial<NonNullable<CertificateSigningRequest['spec']>> = {}, status: CertificateSigningRequest['status'] = {}): CertificateSigningRequest {
  return {
    metadata: { name: 'node-csr-x', resourceVersion: '1' },
    spec: { request: Buffer.from(csrPem), signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'], ...spec },
    status,
  };
}

const approved = { type: 'Approved', status: 'True', reason: 'AutoApproved' };

describe('CertificateSigningRequest validation', () => {
  it('accepts a well-formed request', () => {
    expect(validateCertificateSigningRequest(csr())).toEqual([]);
  });

  it.each([
    ['no request', { request: Buffer.alloc(0) }, 'spec.request: Required value'],
    ['a request that is no CSR', { request: Buffer.from('hello') }, 'spec.request: Invalid value: PEM block type must be CERTIFICATE REQUEST'],
    ['no signer', { signerName: '' }, 'spec.signerName: Required value'],
    ['a signer without a path', { signerName: 'kubernetes.io' }, `spec.signerName: Invalid value: "kubernetes.io": must be a fully qualified domain and path of the form 'example.com/signer-name'`],
    ['no usages', { usages: [] }, 'spec.usages: Required value'],
    ['an unknown usage', { usages: ['flying'] }, 'spec.usages[0]: Unsupported value: "flying"'],
    ['a duplicate usage', { usages: ['client auth', 'client auth'] }, 'spec.usages[1]: Duplicate value: "client auth"'],
    ['too short a duration', { expirationSeconds: 599 }, 'spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)'],
  ])('refuses %s', (_what, spec, message) => {
    expect(messages(validateCertificateSigningRequest(csr(spec))).some((m) => m.startsWith(message))).toBe(true);
  });

  it('lets the approval add a decision, but not change the certificate or take a decision back', () => {
    expect(validateCertificateSigningRequestApproval(csr({}, { conditions: [approved] }), csr())).toEqual([]);
    expect(messages(validateCertificateSigningRequestApproval(csr({}, { conditions: [approved], certificate: Buffer.from(certPem) }), csr()))).toContain(
      'status.certificate: Forbidden: may not be changed through the approval subresource',
    );
    expect(messages(validateCertificateSigningRequestApproval(csr(), csr({}, { conditions: [approved] })))).toContain(
      'status.conditions: Forbidden: updates may not remove a condition of type "Approved"',
    );
    expect(messages(validateCertificateSigningRequestApproval(csr({}, { conditions: [approved, { type: 'Denied', status: 'True' }] }), csr()))).toContain(
      'status.conditions: Invalid value: Approved and Denied conditions are mutually exclusive',
    );
  });

  it('lets the status carry a certificate only once the request is approved, and never the decision', () => {
    const withCert = (conditions: typeof approved[]) => csr({}, { conditions, certificate: Buffer.from(certPem) });
    expect(validateCertificateSigningRequestStatusUpdate(withCert([approved]), csr({}, { conditions: [approved] }))).toEqual([]);
    expect(messages(validateCertificateSigningRequestStatusUpdate(withCert([]), csr()))).toContain('status.certificate: Invalid value: certificate may only be set if the request is approved');
    expect(messages(validateCertificateSigningRequestStatusUpdate(csr({}, { conditions: [approved] }), csr()))).toContain(
      'status.conditions: Forbidden: Approved and Denied conditions may only be changed through the approval subresource',
    );
  });
});
