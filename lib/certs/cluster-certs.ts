import { type KeyObject, X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { APISERVER_SERVICE_NAMES } from './names.js';
import { ensureServiceAccountKey, type ServiceAccountKeyFiles } from './service-account-key.js';
import {
  type CertAndKey,
  CertificateError,
  createCertificateAuthority,
  issueClientCert,
  issueServingCert,
  splitHosts,
  subjectAltNames,
} from './certificates.js';

export interface CertFiles extends CertAndKey {
  certPath: string;
  keyPath: string;
}

export type ClusterCertName = 'ca' | 'apiserver' | 'apiserver-kubelet-client';

export interface ClusterCerts {
  ca: CertFiles;
  /** The apiserver's serving certificate. */
  apiserver: CertFiles;
  /** The identity the apiserver presents to kubelets (logs, exec). */
  apiserverKubeletClient: CertFiles;
  /** The key pair that signs and verifies ServiceAccount tokens. */
  serviceAccountKey: ServiceAccountKeyFiles;
  /** The pairs this call wrote; empty when everything on disk was still good. */
  written: ClusterCertName[];
}

export interface EnsureClusterCertsOptions {
  /** Extra names and addresses for the apiserver certificate (localhost and 127.0.0.1 are always in it). */
  hosts?: readonly string[];
}

export const APISERVER_COMMON_NAME = 'kube-apiserver';
export const APISERVER_KUBELET_CLIENT_COMMON_NAME = 'kube-apiserver-kubelet-client';

// A leaf this close to expiry is reissued on the next start rather than left to fail in the middle of a run.
const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Makes `dir` hold a CA and the apiserver's certificates, creating only what is missing or no longer fits:
 * an existing CA is always kept (clients already trust it), and a leaf is reissued when it is absent,
 * not signed by that CA, close to expiry, or (for the serving certificate) missing one of the hosts.
 */
export async function ensureClusterCerts(dir: string, options: EnsureClusterCertsOptions = {}): Promise<ClusterCerts> {
  const hosts = [...APISERVER_SERVICE_NAMES, ...(options.hosts ?? [])];
  // Split first so a bad host is reported before anything is written.
  const wanted = splitHosts(hosts);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const written: ClusterCertName[] = [];

  const caPaths = pathsFor(dir, 'ca');
  let ca = await readPair(caPaths);
  if (ca) checkCa(ca, caPaths);
  else {
    ca = await createCertificateAuthority();
    await writePair(caPaths, ca);
    written.push('ca');
  }

  const apiserver = await ensureLeaf(dir, 'apiserver', ca, written, (pem) => coversHosts(pem, wanted), () =>
    issueServingCert(ca, { commonName: APISERVER_COMMON_NAME, hosts }),
  );
  const apiserverKubeletClient = await ensureLeaf(dir, 'apiserver-kubelet-client', ca, written, () => true, () =>
    issueClientCert(ca, { commonName: APISERVER_KUBELET_CLIENT_COMMON_NAME }),
  );

  const serviceAccountKey = await ensureServiceAccountKey(dir);
  return { ca: { ...caPaths, ...ca }, apiserver, apiserverKubeletClient, serviceAccountKey, written };
}

async function ensureLeaf(
  dir: string,
  name: ClusterCertName,
  ca: CertAndKey,
  written: ClusterCertName[],
  fits: (certPem: string) => boolean,
  issue: () => Promise<CertAndKey>,
): Promise<CertFiles> {
  const paths = pathsFor(dir, name);
  const existing = await readPair(paths);
  if (existing && isUsableLeaf(existing, ca) && fits(existing.certPem)) return { ...paths, ...existing };
  const issued = await issue();
  await writePair(paths, issued);
  written.push(name);
  return { ...paths, ...issued };
}

function pathsFor(dir: string, name: ClusterCertName): { certPath: string; keyPath: string } {
  return { certPath: join(dir, `${name}.crt`), keyPath: join(dir, `${name}.key`) };
}

/** Both files, or undefined if either is missing; a key file left with loose permissions is tightened. */
async function readPair(paths: { certPath: string; keyPath: string }): Promise<CertAndKey | undefined> {
  const [certPem, keyPem] = await Promise.all([readIfExists(paths.certPath), readIfExists(paths.keyPath)]);
  if (certPem === undefined || keyPem === undefined) return undefined;
  await chmod(paths.keyPath, 0o600);
  return { certPem, keyPem };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Key first: a crash between the two writes leaves a pair that fails the checks and is reissued. */
async function writePair(paths: { certPath: string; keyPath: string }, pair: CertAndKey): Promise<void> {
  await writeFileAtomic(paths.keyPath, pair.keyPem, { mode: 0o600 });
  await writeFileAtomic(paths.certPath, pair.certPem, { mode: 0o644 });
}

function checkCa(ca: CertAndKey, { certPath, keyPath }: { certPath: string; keyPath: string }): void {
  const cert = parseCert(ca.certPem, certPath);
  if (!cert.ca) throw new CertificateError(`${certPath} is not a CA certificate`);
  if (!cert.checkPrivateKey(parseKey(ca.keyPem, keyPath))) {
    throw new CertificateError(`${keyPath} does not belong to ${certPath}`);
  }
  if (Date.parse(cert.validTo) <= Date.now()) {
    throw new CertificateError(`${certPath} expired on ${cert.validTo}; move the directory's certificates away to create a new CA`);
  }
}

function isUsableLeaf(leaf: CertAndKey, ca: CertAndKey): boolean {
  try {
    const cert = new X509Certificate(leaf.certPem);
    const caCert = new X509Certificate(ca.certPem);
    return (
      cert.checkIssued(caCert) &&
      cert.verify(caCert.publicKey) &&
      cert.checkPrivateKey(createPrivateKey(leaf.keyPem)) &&
      Date.parse(cert.validTo) - Date.now() > RENEW_BEFORE_MS
    );
  } catch {
    return false;
  }
}

function coversHosts(certPem: string, wanted: { dnsNames: string[]; ipAddresses: string[] }): boolean {
  const present = subjectAltNames(certPem);
  return (
    wanted.dnsNames.every((name) => present.dnsNames.includes(name)) &&
    wanted.ipAddresses.every((ip) => present.ipAddresses.includes(ip))
  );
}

function parseCert(pem: string, path: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new CertificateError(`${path} is not a PEM certificate: ${(err as Error).message}`);
  }
}

function parseKey(pem: string, path: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (err) {
    throw new CertificateError(`${path} is not a PEM private key: ${(err as Error).message}`);
  }
}
