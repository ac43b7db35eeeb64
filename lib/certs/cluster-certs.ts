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
} from './certificates.js';

export interface CertFiles extends CertAndKey {
  certPath: string;
  keyPath: string;
}

export type ClusterCertName = 'ca' | 'apiserver' | 'apiserver-kubelet-client' | EtcdCertName;

/** kubeadm's layout: etcd's own CA and member certificates under etcd/, the apiserver's client certificate for it beside its others. */
export type EtcdCertName = 'etcd/ca' | 'etcd/server' | 'etcd/peer' | 'apiserver-etcd-client';

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

export interface EtcdCerts {
  ca: CertFiles;
  /** What members serve clients with (and dial each other with, as etcd may). */
  server: CertFiles;
  /** What members serve and dial their peers with. */
  peer: CertFiles;
  /** The apiserver's identity to etcd's --client-cert-auth. */
  apiserverEtcdClient: CertFiles;
  written: ClusterCertName[];
}

export const ETCD_CA_COMMON_NAME = 'etcd-ca';
export const APISERVER_ETCD_CLIENT_COMMON_NAME = 'kube-apiserver-etcd-client';

/**
 * Makes `dir` (the cluster's pki directory) hold etcd's certificates, as ensureClusterCerts does
 * for the apiserver's: a CA of etcd's own, apart from the cluster CA, so a certificate the cluster
 * CA issues (every kubelet's) never opens etcd; the member certificates name `hosts` (every
 * member's addresses and names; localhost and 127.0.0.1 are always in them); and the apiserver's
 * client certificate, the one identity etcd accepts.
 */
export async function ensureEtcdCerts(dir: string, options: { hosts?: readonly string[] } = {}): Promise<EtcdCerts> {
  const hosts = options.hosts ?? [];
  const wanted = splitHosts(hosts);
  for (const d of [dir, join(dir, 'etcd')]) {
    await mkdir(d, { recursive: true, mode: 0o700 });
    await chmod(d, 0o700);
  }
  const written: ClusterCertName[] = [];
  const caPaths = pathsFor(dir, 'etcd/ca');
  let ca = await readPair(caPaths);
  if (ca) checkCa(ca, caPaths);
  else {
    ca = await createCertificateAuthority({ commonName: ETCD_CA_COMMON_NAME });
    await writePair(caPaths, ca);
    written.push('etcd/ca');
  }
  const member = (name: 'etcd/server' | 'etcd/peer'): Promise<CertFiles> =>
    ensureLeaf(dir, name, ca, written, (pem) => coversHosts(pem, wanted), () => issueServingCert(ca, { commonName: 'kubets-etcd', hosts, clientAuth: true }));
  const server = await member('etcd/server');
  const peer = await member('etcd/peer');
  const apiserverEtcdClient = await ensureLeaf(dir, 'apiserver-etcd-client', ca, written, () => true, () =>
    issueClientCert(ca, { commonName: APISERVER_ETCD_CLIENT_COMMON_NAME, organizations: ['system:masters'] }),
  );
  return { ca: { ...caPaths, ...ca }, server, peer, apiserverEtcdClient, written };
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

/**
 * Whether the certificate lists every wanted name and address itself (a wildcard covers only the
 * same wildcard). Read with node:crypto, as the other checks here: a start whose certificates are
 * all good then loads no ASN.1 library (lib/certs/x509.ts).
 */
function coversHosts(certPem: string, wanted: { dnsNames: string[]; ipAddresses: string[] }): boolean {
  const cert = new X509Certificate(certPem);
  const listed = { subject: 'never', wildcards: false } as const;
  return wanted.dnsNames.every((name) => cert.checkHost(name, listed) !== undefined) && wanted.ipAddresses.every((ip) => cert.checkIP(ip) !== undefined);
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
