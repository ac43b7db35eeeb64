import type { CertificateSigningRequest } from '../../../lib/api/generated/index.js';
import type { RequestScope } from '../request-scope.js';
import {
  validateCertificateSigningRequest,
  validateCertificateSigningRequestApproval,
  validateCertificateSigningRequestStatusUpdate,
  validateCertificateSigningRequestUpdate,
} from '../validation/certificates.js';
import { fieldText as str, selectableFields, type KindStrategy } from './types.js';

/**
 * The requestor is whoever created the request, never what the client wrote: the approver and
 * the signer decide on it. Outside a request (the apiserver's own writes) nobody is recorded.
 */
function recordRequestor(csr: CertificateSigningRequest, scope: RequestScope | undefined): void {
  const user = scope?.user;
  csr.spec = { ...csr.spec, username: user?.name ?? '', uid: user?.uid ?? '', groups: [...(user?.groups ?? [])] };
}

export const certificateSigningRequestStrategy: KindStrategy<CertificateSigningRequest> = {
  validateCreate: validateCertificateSigningRequest,
  validateUpdate: validateCertificateSigningRequestUpdate,
  // As Kubernetes: an update of the main resource changes metadata only.
  prepareForUpdate(csr, old) {
    csr.spec = old.spec;
    csr.status = old.status;
  },
  status: { initial: () => ({}), validateUpdate: validateCertificateSigningRequestStatusUpdate },
  approval: { validateUpdate: validateCertificateSigningRequestApproval },
  tracksGeneration: false,
  fields: selectableFields({ 'spec.signerName': (csr) => str(csr.spec?.signerName) }),
  hooks: () => [{ admit: async (op, csr, _old, scope) => (op === 'create' ? recordRequestor(csr, scope) : undefined) }],
};
