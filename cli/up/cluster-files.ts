import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { nodeProxierUser } from '../../lib/auth/node-proxier.js';
import { generateToken, parseTokenFile, writeTokenFile, type TokenEntry } from '../../lib/auth/token-file.js';
import { ensureClusterCerts, ensureEtcdCerts, issueServingCert, splitHosts, subjectAltNames } from '../../lib/certs/index.js';
import { aescbcConfigYaml, newAesKey } from '../../services/apiserver/index.js';
import { writeClientConfig } from '../../lib/client-config.js';

/** The identities of a local cluster besides its kubelets: the admin user and one per component, each with a token. */
export const IDENTITIES = ['admin', 'scheduler', 'controller-manager', 'proxy', 'ingress-controller', 'prometheus'] as const;
export type Identity = (typeof IDENTITIES)[number];

interface UserOf {
  name: string;
  groups: readonly string[];
}

/**
 * Who each identity is to the apiserver: Kubernetes' user names, which the bootstrap RBAC policy
 * binds to each component's role. Only the admin is in system:masters.
 */
const USERS: Record<Identity, UserOf> = {
  admin: { name: 'admin', groups: ['system:masters'] },
  scheduler: { name: 'system:kube-scheduler', groups: [] },
  'controller-manager': { name: 'system:kube-controller-manager', groups: [] },
  proxy: { name: 'system:kube-proxy', groups: [] },
  // An add-on, not a Kubernetes component: its role comes with the add-on (cli/up/ingress-addon.ts).
  'ingress-controller': { name: 'system:kubets:ingress-controller', groups: [] },
  // The monitoring add-on's: discovery reads (cli/up/monitoring-addon.ts), scrapes /metrics as system:monitoring.
  prometheus: { name: 'system:kubets:prometheus', groups: ['system:monitoring'] },
};

/** A kubelet is its node to the apiserver (the Node authorizer reads the name). */
const kubeletUser = (node: string): UserOf => ({ name: `system:node:${node}`, groups: ['system:nodes'] });
const KUBELET_UID_PREFIX = 'kubelet';
/** A node's proxy is a user of its own too, which may write only its own Node's network annotations. */
const NODE_PROXY_UID_PREFIX = 'proxy';

export interface ClusterFiles {
  dataDir: string;
  pkiDir: string;
  tokenFile: string;
  caFile: string;
  /** Client config per identity (dataDir/<identity>.conf). */
  configs: Record<Identity, string>;
  /** Client config per node's kubelet (dataDir/kubelet-<node>.conf). */
  kubeletConfigs: Record<string, string>;
  /** Client config per node's proxy (dataDir/proxy-<node>.conf, user system:kube-proxy:<node>). */
  proxyConfigs: Record<string, string>;
  /** The admin's token, for the standard kubeconfig. */
  adminToken: string;
  etcd: EtcdFiles;
  /** The apiserver's EncryptionConfiguration (Secrets under aescbc), shared by every apiserver of the cluster. */
  encryptionConfig: string;
}

/** etcd's TLS files (pki/etcd/ and the apiserver's client certificate for it). */
export interface EtcdFiles {
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  peerCertFile: string;
  peerKeyFile: string;
  /** The apiserver's client certificate: also what `kubets up` checks etcd's health with. */
  clientCertFile: string;
  clientKeyFile: string;
}

const sameUser = (a: UserOf, b: UserOf): boolean => a.name === b.name && a.groups.join(',') === b.groups.join(',');

/** Ours by uid: every identity, kubelet and node proxy this command manages (older files had one shared "kubelet"). */
const managedUid = (uid: string): boolean =>
  (IDENTITIES as readonly string[]).includes(uid) || uid === KUBELET_UID_PREFIX || uid.startsWith(`${KUBELET_UID_PREFIX}-`) || uid.startsWith(`${NODE_PROXY_UID_PREFIX}-`);

/**
 * The token file's entries for these identities (by uid): an existing token is kept while its
 * user is still right, and replaced when the identity changed (an older file's shared kubelet or
 * component names); entries this command does not manage stay as they are.
 */
function tokenEntries(existing: TokenEntry[], wanted: Map<string, UserOf>): TokenEntry[] {
  const kept = existing.filter((e) => !managedUid(e.user.uid));
  for (const [uid, user] of wanted) {
    const current = existing.find((e) => e.user.uid === uid && sameUser(e.user, user));
    kept.push(current ?? { token: generateToken(), user: { name: user.name, uid, groups: [...user.groups] } });
  }
  return kept;
}

/**
 * Creates, once, the CA and certificates, a token per identity and per node's kubelet and proxy and a
 * client config for each in the data directory. Re-running keeps everything that exists, so
 * tokens stay valid.
 */
export async function ensureClusterFiles(dataDir: string, opts: { servers: string[]; hosts: string[]; nodes?: string[]; etcdHosts?: string[] }): Promise<ClusterFiles> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pkiDir = join(dataDir, 'pki');
  await ensureClusterCerts(pkiDir, { hosts: opts.hosts });
  const etcdCerts = await ensureEtcdCerts(pkiDir, { hosts: opts.etcdHosts ?? [] });
  const etcd: EtcdFiles = {
    caFile: etcdCerts.ca.certPath,
    serverCertFile: etcdCerts.server.certPath,
    serverKeyFile: etcdCerts.server.keyPath,
    peerCertFile: etcdCerts.peer.certPath,
    peerKeyFile: etcdCerts.peer.keyPath,
    clientCertFile: etcdCerts.apiserverEtcdClient.certPath,
    clientKeyFile: etcdCerts.apiserverEtcdClient.keyPath,
  };
  const encryptionConfig = await ensureEncryptionConfig(dataDir);
  const tokenFile = join(dataDir, 'tokens.csv');
  const existing: TokenEntry[] = existsSync(tokenFile) ? parseTokenFile(readFileSync(tokenFile, 'utf8'), tokenFile) : [];
  const wanted = new Map<string, UserOf>(IDENTITIES.map((id) => [id, USERS[id]]));
  for (const node of opts.nodes ?? []) {
    wanted.set(`${KUBELET_UID_PREFIX}-${node}`, kubeletUser(node));
    wanted.set(`${NODE_PROXY_UID_PREFIX}-${node}`, nodeProxierUser(node));
  }
  const entries = tokenEntries(existing, wanted);
  await writeTokenFile(tokenFile, entries);
  const caFile = join(pkiDir, 'ca.crt');
  // The CA goes inside each config, so a config copied to another machine or path still verifies the apiserver.
  const caData = readFileSync(caFile, 'utf8');
  const writeConfig = async (uid: string): Promise<string> => {
    const path = join(dataDir, `${uid}.conf`);
    const token = entries.find((e) => e.user.uid === uid)!.token;
    await writeClientConfig(path, {
      currentContext: 'kubets',
      contexts: { kubets: { servers: opts.servers, caData, token, namespace: 'default' } },
    });
    return path;
  };
  const configs = {} as Record<Identity, string>;
  for (const id of IDENTITIES) configs[id] = await writeConfig(id);
  const kubeletConfigs: Record<string, string> = {};
  const proxyConfigs: Record<string, string> = {};
  for (const node of opts.nodes ?? []) {
    kubeletConfigs[node] = await writeConfig(`${KUBELET_UID_PREFIX}-${node}`);
    proxyConfigs[node] = await writeConfig(`${NODE_PROXY_UID_PREFIX}-${node}`);
  }
  return { dataDir, pkiDir, tokenFile, caFile, configs, kubeletConfigs, proxyConfigs, adminToken: entries.find((e) => e.user.uid === 'admin')!.token, etcd, encryptionConfig };
}

/**
 * The cluster's EncryptionConfiguration, written once with a fresh aescbc key (mode 0600) and
 * then kept: its key reads every Secret stored so far. Rotating it is the operator's (README).
 */
async function ensureEncryptionConfig(dataDir: string): Promise<string> {
  const path = join(dataDir, 'encryption-config.yaml');
  if (!existsSync(path)) await writeFileAtomic(path, aescbcConfigYaml([newAesKey('key1')]), { mode: 0o600 });
  return path;
}

export interface ServingCertFiles {
  certFile: string;
  keyFile: string;
}

/**
 * The serving certificate of a node's kubelet API, from the cluster CA (pki/<fileBase>.crt and .key),
 * valid for the node's name and IP: the apiserver verifies it when it proxies logs and exec.
 */
export function ensureKubeletServingCert(files: Pick<ClusterFiles, 'pkiDir'>, node: { nodeName: string; nodeIP: string }, fileBase = 'kubelet'): Promise<ServingCertFiles> {
  return ensureServingCert(files, { commonName: `system:node:${node.nodeName}`, hosts: [node.nodeName, node.nodeIP] }, fileBase);
}

/**
 * A serving certificate from the cluster CA in pki/<fileBase>.crt and .key, for these names and
 * addresses. Reissued when it is missing, from another CA, near its end, or lacks one of them.
 */
export async function ensureServingCert(files: Pick<ClusterFiles, 'pkiDir'>, subject: { commonName: string; hosts: string[] }, fileBase: string): Promise<ServingCertFiles> {
  const certFile = join(files.pkiDir, `${fileBase}.crt`);
  const keyFile = join(files.pkiDir, `${fileBase}.key`);
  const ca = { certPem: readFileSync(join(files.pkiDir, 'ca.crt'), 'utf8'), keyPem: readFileSync(join(files.pkiDir, 'ca.key'), 'utf8') };
  if (existsSync(certFile) && existsSync(keyFile) && certFits(readFileSync(certFile, 'utf8'), ca.certPem, subject.hosts)) return { certFile, keyFile };
  const issued = await issueServingCert(ca, subject);
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
