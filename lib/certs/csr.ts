import { createHash, X509Certificate, webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { CertificateError, generateKeyPairPem, signLeaf, splitHosts, type CertAndKey } from './certificates.js';
import { loadX509 } from './x509.js';

// Certificate signing requests (PKCS#10) as nodes make them and the cluster's signer reads them,
// and kubeadm's CA public key pin.

const cryptoProvider = webcrypto as Crypto;
const SIGNING_ALGORITHM: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const SAN_OID = '2.5.29.17';

export interface CsrSubject {
  commonName: string;
  organizations?: readonly string[];
  /** DNS names and IP addresses for a serving certificate. */
  hosts?: readonly string[];
}

/** A new private key (PEM, kept by the caller) and a CSR for it (PEM, what goes to the apiserver). */
export async function createCsr(subject: CsrSubject): Promise<{ csrPem: string; keyPem: string }> {
  const x509 = loadX509();
  const { keys, keyPem } = await generateKeyPairPem();
  const { dnsNames, ipAddresses } = splitHosts(subject.hosts ?? []);
  const altNames = [...dnsNames.map((value) => ({ type: 'dns' as const, value })), ...ipAddresses.map((value) => ({ type: 'ip' as const, value }))];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    {
      name: [...(subject.organizations ?? []).map((o) => ({ O: [o] })), { CN: [subject.commonName] }],
      keys,
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions: altNames.length > 0 ? [new x509.SubjectAlternativeNameExtension(altNames, false)] : [],
    },
    cryptoProvider,
  );
  return { csrPem: csr.toString('pem'), keyPem };
}

/** What a CSR asks for, once its PEM parsed and its self-signature checked. */
export interface ParsedCsr {
  commonName: string;
  organizations: string[];
  dnsNames: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
  request: X509.Pkcs10CertificateRequest;
}

const PEM_CSR = /^-----BEGIN CERTIFICATE REQUEST-----\r?\n[\s\S]+?\r?\n-----END CERTIFICATE REQUEST-----\s*$/;

/** Parses exactly one PEM CERTIFICATE REQUEST (its signature is verifyCsrSignature's); throws CertificateError otherwise. */
export function parseCsr(pem: string): ParsedCsr {
  const x509 = loadX509();
  if (!PEM_CSR.test(pem.trim())) throw new CertificateError('PEM block type must be CERTIFICATE REQUEST');
  let request: X509.Pkcs10CertificateRequest;
  try {
    request = new x509.Pkcs10CertificateRequest(pem);
  } catch (err) {
    throw new CertificateError(`cannot parse the certificate request: ${(err as Error).message}`);
  }
  const san = request.getExtension(SAN_OID) as X509.SubjectAlternativeNameExtension | null;
  const names = san?.names.toJSON() ?? [];
  const of = (type: string): string[] => names.filter((n) => n.type === type).map((n) => n.value);
  return {
    commonName: request.subjectName.getField('CN')[0] ?? '',
    organizations: request.subjectName.getField('O'),
    dnsNames: of('dns'),
    ipAddresses: of('ip'),
    emailAddresses: of('email'),
    uris: of('url'),
    request,
  };
}

/** Whether the CSR is signed by the key it asks a certificate for (the requester holds that key). */
export function verifyCsrSignature(csr: ParsedCsr): Promise<boolean> {
  return csr.request.verify(cryptoProvider);
}

/** Kubernetes' key usages and extended key usages, as a CSR's spec.usages names them, to @peculiar/x509's names of them. */
const KEY_USAGES: Record<string, keyof typeof X509.KeyUsageFlags> = {
  'digital signature': 'digitalSignature',
  'content commitment': 'nonRepudiation',
  'key encipherment': 'keyEncipherment',
  'data encipherment': 'dataEncipherment',
  'key agreement': 'keyAgreement',
  'cert sign': 'keyCertSign',
  'crl sign': 'cRLSign',
  'encipher only': 'encipherOnly',
  'decipher only': 'decipherOnly',
};
const EXTENDED_KEY_USAGES: Record<string, keyof typeof X509.ExtendedKeyUsage> = {
  'server auth': 'serverAuth',
  'client auth': 'clientAuth',
  'code signing': 'codeSigning',
  'email protection': 'emailProtection',
  'timestamping': 'timeStamping',
  'ocsp signing': 'ocspSigning',
};
export const KNOWN_USAGES: readonly string[] = [...Object.keys(KEY_USAGES), ...Object.keys(EXTENDED_KEY_USAGES), 'any', 'signing', 's/mime', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'microsoft sgc', 'netscape sgc'];

/** The most a signed certificate's start is backdated by, as a share of its duration (5 minutes at most). */
const MAX_BACKDATE_SHARE = 0.1;
const MAX_BACKDATE_MS = 5 * 60 * 1000;

/**
 * Signs a CSR with the CA: the requested subject and subject alternative names, the usages given
 * (as the approved request's spec lists them), valid for `durationMs` (capped by the CA's expiry).
 * Its start is backdated for clock skew, but by no more than a tenth of a short duration: a
 * kubelet renews at 70-90 % of notBefore..notAfter, which a 5-minute backdate of a certificate of
 * seconds or minutes would put in the past at once.
 */
export async function signCsr(ca: CertAndKey, csr: ParsedCsr, opts: { usages: readonly string[]; durationMs: number }): Promise<string> {
  const x509 = loadX509();
  let keyUsages = 0;
  const extended: X509.ExtendedKeyUsage[] = [];
  for (const usage of opts.usages) {
    if (usage in KEY_USAGES) keyUsages |= x509.KeyUsageFlags[KEY_USAGES[usage]!];
    else if (usage in EXTENDED_KEY_USAGES) extended.push(x509.ExtendedKeyUsage[EXTENDED_KEY_USAGES[usage]!]);
    else throw new CertificateError(`usage ${JSON.stringify(usage)} cannot be signed`);
  }
  const san = csr.request.getExtension(SAN_OID);
  return signLeaf(ca, {
    subject: csr.request.subjectName,
    publicKey: csr.request.publicKey,
    notAfter: new Date(Date.now() + opts.durationMs),
    backdateMs: Math.min(MAX_BACKDATE_MS, opts.durationMs * MAX_BACKDATE_SHARE),
    keyUsages,
    extendedKeyUsages: extended,
    extra: san ? [san] : [],
  });
}

/**
 * kubeadm's pin of a CA: `sha256:` and the hex SHA-256 of the certificate's DER SubjectPublicKeyInfo
 * (`openssl x509 -pubkey | openssl pkey -pubin -outform der | sha256sum`).
 */
export function caCertHash(caPem: string): string {
  const spki = new X509Certificate(caPem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}
