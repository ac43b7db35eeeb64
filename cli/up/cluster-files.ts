import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { generateToken, parseTokenFile, writeTokenFile, type TokenEntry } from '../../lib/auth/token-file.js';
import { ensureClusterCerts, issueServingCert, splitHosts, subjectAltNames } from '../../lib/certs/index.js';
import { writeClientConfig } from '../../lib/client-config.js';

/** The identities of a local cluster: the admin user and one per component, each with a token. */
export const IDENTITIES = ['admin', 'scheduler', 'controller-manager', 'kubelet', 'proxy', 'ingress-controller'] as const;
export type Identity = (typeof IDENTITIES)[number];

const GROUPS: Record<Identity, string[]> = {
  admin: ['system:masters'],
  scheduler: ['system:kube-scheduler'],
  'controller-manager': ['system:kube-controller-manager'],
  kubelet: ['system:nodes'],
  proxy: ['system:node-proxier'],
  'ingress-controller': [],
};

export interface ClusterFiles {
  dataDir: string;
  pkiDir: string;
  tokenFile: string;
  caFile: string;
  /** Client config per identity (dataDir/<identity>.conf). */
  configs: Record<Identity, string>;
}

/**
 * Creates, once, the CA and certificates, a token per identity and a client config per identity
 * in the data directory. Re-running keeps everything that exists, so tokens stay valid.
 */
export async function ensureClusterFiles(dataDir: string, opts: { servers: string[]; hosts: string[] }): Promise<ClusterFiles> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pkiDir = join(dataDir, 'pki');
  await ensureClusterCerts(pkiDir, { hosts: opts.hosts });
  const tokenFile = join(dataDir, 'tokens.csv');
  const entries: TokenEntry[] = existsSync(tokenFile) ? parseTokenFile(readFileSync(tokenFile, 'utf8'), tokenFile) : [];
  for (const id of IDENTITIES) {
    if (!entries.some((e) => e.user.name === id)) entries.push({ token: generateToken(), user: { name: id, uid: id, groups: GROUPS[id] } });
  }
  await writeTokenFile(tokenFile, entries);
  const caFile = join(pkiDir, 'ca.crt');
  const configs = {} as Record<Identity, string>;
  for (const id of IDENTITIES) {
    const path = join(dataDir, `${id}.conf`);
    const token = entries.find((e) => e.user.name === id)!.token;
    await writeClientConfig(path, {
      currentContext: 'kubets',
      contexts: { kubets: { servers: opts.servers, certificateAuthority: caFile, token, namespace: 'default' } },
    });
    configs[id] = path;
  }
  return { dataDir, pkiDir, tokenFile, caFile, configs };
}

export interface KubeletCertFiles {
  certFile: string;
  keyFile: string;
}

/**
 * The serving certificate of a node's kubelet API, from the cluster CA (pki/<fileBase>.crt and .key),
 * valid for the node's name and IP: the apiserver verifies it when it proxies logs and exec.
 * Reissued when it is missing, from another CA, or does not name the node's current IP.
 */
export async function ensureKubeletServingCert(files: Pick<ClusterFiles, 'pkiDir'>, node: { nodeName: string; nodeIP: string }, fileBase = 'kubelet'): Promise<KubeletCertFiles> {
  const certFile = join(files.pkiDir, `${fileBase}.crt`);
  const keyFile = join(files.pkiDir, `${fileBase}.key`);
  const ca = { certPem: readFileSync(join(files.pkiDir, 'ca.crt'), 'utf8'), keyPem: readFileSync(join(files.pkiDir, 'ca.key'), 'utf8') };
  const hosts = [node.nodeName, node.nodeIP];
  if (existsSync(certFile) && existsSync(keyFile) && certFits(readFileSync(certFile, 'utf8'), ca.certPem, hosts)) return { certFile, keyFile };
  const issued = await issueServingCert(ca, { commonName: `system:node:${node.nodeName}`, hosts });
  await writeFileAtomic(keyFile, issued.keyPem, { mode: 0o600 });
  await writeFileAtomic(certFile, issued.certPem, { mode: 0o644 });
  return { certFile, keyFile };
}

// Reissued this long before expiry, as the apiserver's own certificates are.
const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

function certFits(certPem: string, caPem: string, hosts: string[]): boolean {
  try {
    const cert = new X509Certificate(certPem);
    const ca = new X509Certificate(caPem);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey) || Date.parse(cert.validTo) - Date.now() < RENEW_BEFORE_MS) return false;
    const wanted = splitHosts(hosts);
    const present = subjectAltNames(certPem);
    return wanted.dnsNames.every((n) => present.dnsNames.includes(n)) && wanted.ipAddresses.every((ip) => present.ipAddresses.includes(ip));
  } catch {
    return false;
  }
}
