import type { CertificateSigningRequest } from '../../api/generated/index.js';
import { age, humanDuration } from '../duration.js';
import type { KindPrinter, RowContext } from './types.js';

/** kubectl's CONDITION of a CSR: the decision (or Pending), then Failed and Issued when they apply. */
export function csrCondition(csr: CertificateSigningRequest): string {
  const types = new Set((csr.status?.conditions ?? []).map((c) => c.type));
  let text = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) text += ',Failed';
  if ((csr.status?.certificate?.length ?? 0) > 0) text += ',Issued';
  return text;
}

export const certificateSigningRequestPrinter: KindPrinter<CertificateSigningRequest> = {
  columns: [{ name: 'Name' }, { name: 'Age' }, { name: 'SignerName' }, { name: 'Requestor' }, { name: 'RequestedDuration' }, { name: 'Condition' }],
  cells(csr: CertificateSigningRequest, { now }: RowContext): string[] {
    const seconds = csr.spec?.expirationSeconds;
    return [
      csr.metadata?.name ?? '',
      age(csr.metadata?.creationTimestamp, now),
      csr.spec?.signerName ?? '',
      csr.spec?.username ?? '',
      seconds === undefined || seconds === null ? '<none>' : humanDuration(seconds * 1000),
      csrCondition(csr),
    ];
  },
};
