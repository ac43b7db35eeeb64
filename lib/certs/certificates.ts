import { KeyObject, X509Certificate as NodeX509Certificate, createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import type * as X509 from '@peculiar/x509';
import { loadX509 } from './x509.js';

/** A certificate and its private key, both PEM (the key as PKCS#8). */
export interface CertAndKey {
  certPem: string;
  keyPem: string;
}

export class CertificateError extends Error {
  override readonly name = 'CertificateError';
}

export interface CaOptions {
  commonName?: string;
  validityDays?: number;
}

export interface ServingCertOptions {
  commonName: string;
  /** DNS names and IP addresses; localhost and 127.0.0.1 are always added. */
  hosts?: readonly string[];
  validityDays?: number;
  /** Also good as a client certificate: an etcd member dials its peers with the certificate it serves them. */
  clientAuth?: boolean;
}

export interface ClientCertOptions {
  /** The user name the peer sees. */
  commonName: string;
  /** Groups, one O attribute each. */
  organizations?: readonly string[];
  validityDays?: number;
}

export const DEFAULT_CA_VALIDITY_DAYS = 3650;
export const DEFAULT_LEAF_VALIDITY_DAYS = 365;
export const ALWAYS_INCLUDED_HOSTS: readonly string[] = ['localhost', '127.0.0.1'];

const DAY_MS = 24 * 60 * 60 * 1000;
// Certificates are valid from a little before "now" so a peer whose clock lags slightly accepts them.
const BACKDATE_MS = 5 * 60 * 1000;

// ECDSA P-256: keys are generated in a millisecond (RSA 2048 takes ~100 ms) and every TLS stack we talk to accepts it.
const KEY_ALGORITHM: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALGORITHM: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

const subtle = webcrypto.subtle as SubtleCrypto;
const cryptoProvider = webcrypto as Crypto;

export async function createCertificateAuthority(options: CaOptions = {}): Promise<CertAndKey> {
  const x509 = loadX509();
  const keys = await generateKeyPair();
  const validity = validityWindow(options.validityDays ?? DEFAULT_CA_VALIDITY_DAYS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerialNumber(),
      name: [{ CN: [options.commonName ?? 'kubets-ca'] }],
      ...validity,
      signingAlgorithm: SIGNING_ALGORITHM,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, cryptoProvider),
      ],
    },
    cryptoProvider,
  );
  return { certPem: cert.toString('pem'), keyPem: exportPrivateKey(keys.privateKey) };
}

export async function issueServingCert(ca: CertAndKey, options: ServingCertOptions): Promise<CertAndKey> {
  const x509 = loadX509();
  const { dnsNames, ipAddresses } = splitHosts([...ALWAYS_INCLUDED_HOSTS, ...(options.hosts ?? [])]);
  const altNames: X509.JsonGeneralName[] = [
    ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...ipAddresses.map((value) => ({ type: 'ip' as const, value })),
  ];
  return issueLeaf(ca, {
    subject: [{ CN: [options.commonName] }],
    validityDays: options.validityDays ?? DEFAULT_LEAF_VALIDITY_DAYS,
    extendedKeyUsages: options.clientAuth ? [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth] : [x509.ExtendedKeyUsage.serverAuth],
    extra: [new x509.SubjectAlternativeNameExtension(altNames, false)],
  });
}

export async function issueClientCert(ca: CertAndKey, options: ClientCertOptions): Promise<CertAndKey> {
  const x509 = loadX509();
  return issueLeaf(ca, {
    subject: [...(options.organizations ?? []).map((o) => ({ O: [o] })), { CN: [options.commonName] }],
    validityDays: options.validityDays ?? DEFAULT_LEAF_VALIDITY_DAYS,
    extendedKeyUsages: [x509.ExtendedKeyUsage.clientAuth],
    extra: [],
  });
}

/** Splits hosts into deduplicated, lower-cased DNS names and canonical IP addresses. */
export function splitHosts(hosts: readonly string[]): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames = new Set<string>();
  const ipAddresses = new Set<string>();
  for (const raw of hosts) {
    const host = raw.trim();
    if (isIP(host)) ipAddresses.add(canonicalIp(host));
    else if (/^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(host)) dnsNames.add(host.toLowerCase());
    else throw new CertificateError(`host ${JSON.stringify(raw)} is neither an IP address nor a DNS name`);
  }
  return { dnsNames: [...dnsNames], ipAddresses: [...ipAddresses] };
}

/** The DNS names and IP addresses a certificate's subjectAltName lists, in the form splitHosts returns. */
export function subjectAltNames(certPem: string): { dnsNames: string[]; ipAddresses: string[] } {
  const x509 = loadX509();
  const san = new x509.X509Certificate(certPem).getExtension(x509.SubjectAlternativeNameExtension);
  const names = san?.names.toJSON() ?? [];
  return {
    dnsNames: names.filter((n) => n.type === 'dns').map((n) => n.value.toLowerCase()),
    ipAddresses: names.filter((n) => n.type === 'ip').map((n) => canonicalIp(n.value)),
  };
}

interface LeafSpec {
  subject: X509.JsonName;
  validityDays: number;
  extendedKeyUsages: X509.ExtendedKeyUsage[];
  extra: X509.Extension[];
}

async function issueLeaf(ca: CertAndKey, spec: LeafSpec): Promise<CertAndKey> {
  const x509 = loadX509();
  const keys = await generateKeyPair();
  const notAfter = new Date(Date.now() + spec.validityDays * DAY_MS);
  const certPem = await signLeaf(ca, { ...spec, publicKey: keys.publicKey, notAfter, keyUsages: x509.KeyUsageFlags.digitalSignature });
  return { certPem, keyPem: exportPrivateKey(keys.privateKey) };
}

/** A leaf certificate for someone else's public key (a CSR's), signed by the CA; PEM. */
export interface SignedLeafSpec {
  subject: X509.JsonName | X509.Name;
  publicKey: CryptoKey | X509.PublicKey;
  notAfter: Date;
  keyUsages: X509.KeyUsageFlags;
  extendedKeyUsages: X509.ExtendedKeyUsage[];
  extra: X509.Extension[];
  /** How far notBefore lies in the past, for clocks behind ours; 5 minutes unless given. */
  backdateMs?: number;
}

export async function signLeaf(ca: CertAndKey, spec: SignedLeafSpec): Promise<string> {
  const x509 = loadX509();
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await importCaKey(ca);
  const caKeyId = caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  // Never beyond the CA itself, as Kubernetes' signer caps the duration at the CA's expiry.
  const notAfter = new Date(Math.min(spec.notAfter.getTime(), caCert.notAfter.getTime()));
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerialNumber(),
      subject: spec.subject,
      issuer: caCert.subjectName,
      notBefore: new Date(Date.now() - (spec.backdateMs ?? BACKDATE_MS)),
      notAfter,
      signingAlgorithm: SIGNING_ALGORITHM,
      publicKey: spec.publicKey,
      signingKey: caKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        // ECDSA keys sign; keyEncipherment is meaningful only for RSA key exchange.
        new x509.KeyUsagesExtension(spec.keyUsages, true),
        new x509.ExtendedKeyUsageExtension(spec.extendedKeyUsages, false),
        caKeyId
          ? new x509.AuthorityKeyIdentifierExtension(caKeyId)
          : await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey, false, cryptoProvider),
        ...spec.extra,
      ],
    },
    cryptoProvider,
  );
  return cert.toString('pem');
}

async function generateKeyPair(): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

function exportPrivateKey(key: CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();
}

async function importCaKey(ca: CertAndKey): Promise<CryptoKey> {
  const key = createPrivateKey(ca.keyPem);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new CertificateError('CA key must be an ECDSA P-256 key');
  }
  if (!new NodeX509Certificate(ca.certPem).checkPrivateKey(key)) {
    throw new CertificateError('CA key does not belong to the CA certificate');
  }
  const der = key.export({ type: 'pkcs8', format: 'der' });
  return subtle.importKey('pkcs8', der, KEY_ALGORITHM, false, ['sign']);
}

export async function generateKeyPairPem(): Promise<{ keys: CryptoKeyPair; keyPem: string }> {
  const keys = await generateKeyPair();
  return { keys, keyPem: exportPrivateKey(keys.privateKey) };
}

function validityWindow(days: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + days * DAY_MS) };
}

/** 16 random bytes; the first in 0x40–0x7f so the DER integer is positive and minimally encoded (RFC 5280 §4.1.2.2). */
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = 0x40 | ((bytes[0] ?? 0) & 0x3f);
  return bytes.toString('hex');
}

/** IPv6 addresses have many spellings; compare them in the WHATWG URL parser's compressed form. */
function canonicalIp(ip: string): string {
  return isIP(ip) === 6 ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
}
