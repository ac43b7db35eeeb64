import { describe, expect, it } from 'vitest';
import type { CertificateSigningRequest } from '../../lib/api/generated/index.js';
import { decide } from './certificate.js';

const csr = (conditions: { type: string; status: string }[] = []): CertificateSigningRequest => ({ metadata: { name: 'node-csr-a' }, status: { conditions } });

describe('kubets certificate approve|deny', () => {
  it("adds kubectl's condition", () => {
    const approved = decide(csr(), 'Approved', false);
    expect(approved?.status?.conditions).toEqual([expect.objectContaining({ type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'This CSR was approved by kubectl certificate approve.' })]);
    expect(decide(csr(), 'Denied', false)?.status?.conditions?.[0]).toMatchObject({ type: 'Denied', reason: 'KubectlDeny' });
  });

  it('changes nothing when the decision is already there, and refuses the opposite one unless forced', () => {
    expect(decide(csr([{ type: 'Approved', status: 'True' }]), 'Approved', false)).toBeUndefined();
    expect(() => decide(csr([{ type: 'Denied', status: 'True' }]), 'Approved', false)).toThrow('certificate signing request "node-csr-a" is already denied');
  });
});
