import type { CertificateSigningRequest } from '../../../lib/api/generated/index.js';
import { humanDuration } from '../../../lib/printers/duration.js';
import { csrCondition } from '../../../lib/printers/kinds/certificates.js';
import { formatLabels } from '../../../lib/printers/labels.js';
import type { DescribeOptions } from './pod.js';
import { writeEvents } from './sections.js';
import { DescribeWriter, formatTime } from './writer.js';

/** What a CSR's PKCS#10 request names, as kubectl describe lists it (read by the verb layer). */
export interface CertificateRequestNames {
  commonName: string;
  serialNumber: string;
  organizations: string[];
  organizationalUnits: string[];
  countries: string[];
  localities: string[];
  provinces: string[];
  streetAddresses: string[];
  postalCodes: string[];
  dnsNames: string[];
  emailAddresses: string[];
  uris: string[];
  ipAddresses: string[];
}

/** kubectl's list lines: nothing when empty, further values under the first. */
function writeList(w: DescribeWriter, prefix: string, title: string, values: readonly string[]): void {
  if (values.length > 0) w.write(0, `${prefix}${title}:\t${values.join(`\n${prefix}\t`)}\n`);
}

/** `kubectl describe csr`: who asked, the signer, the decision, and the request's subject and alternative names. */
export function describeCertificateSigningRequest(csr: CertificateSigningRequest, request: CertificateRequestNames, options: DescribeOptions): string {
  const w = new DescribeWriter();
  const spec = csr.spec;
  w.write(0, `Name:\t${csr.metadata?.name ?? ''}\n`);
  w.write(0, `Labels:\t${formatLabels(csr.metadata?.labels)}\n`);
  w.write(0, `Annotations:\t${formatLabels(csr.metadata?.annotations)}\n`);
  w.write(0, `CreationTimestamp:\t${formatTime(csr.metadata?.creationTimestamp)}\n`);
  w.write(0, `Requesting User:\t${spec?.username ?? ''}\n`);
  if (spec?.signerName) w.write(0, `Signer:\t${spec.signerName}\n`);
  if (spec?.expirationSeconds !== undefined && spec.expirationSeconds !== null) w.write(0, `Requested Duration:\t${humanDuration(spec.expirationSeconds * 1000)}\n`);
  w.write(0, `Status:\t${csrCondition(csr)}\n`);
  w.write(0, 'Subject:\n');
  w.write(0, `\tCommon Name:\t${request.commonName}\n`);
  w.write(0, `\tSerial Number:\t${request.serialNumber}\n`);
  writeList(w, '\t', 'Organization', request.organizations);
  writeList(w, '\t', 'Organizational Unit', request.organizationalUnits);
  writeList(w, '\t', 'Country', request.countries);
  writeList(w, '\t', 'Locality', request.localities);
  writeList(w, '\t', 'Province', request.provinces);
  writeList(w, '\t', 'StreetAddress', request.streetAddresses);
  writeList(w, '\t', 'PostalCode', request.postalCodes);
  if (request.dnsNames.length + request.emailAddresses.length + request.ipAddresses.length + request.uris.length > 0) {
    w.write(0, 'Subject Alternative Names:\n');
    writeList(w, '\t', 'DNS Names', request.dnsNames);
    writeList(w, '\t', 'Email Addresses', request.emailAddresses);
    writeList(w, '\t', 'URIs', request.uris);
    writeList(w, '\t', 'IP Addresses', request.ipAddresses);
  }
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}
