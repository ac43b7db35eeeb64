import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateToken, parseTokenFile, writeTokenFile, type TokenEntry } from '../../lib/auth/token-file.js';
import { ensureClusterCerts } from '../../lib/certs/index.js';
import { writeClientConfig } from '../../lib/client-config.js';

/** The identities of a local cluster: the admin user and one per component, each with a token. */
export const IDENTITIES = ['admin', 'scheduler', 'controller-manager', 'kubelet', 'proxy'] as const;
export type Identity = (typeof IDENTITIES)[number];

const GROUPS: Record<Identity, string[]> = {
  admin: ['system:masters'],
  scheduler: ['system:kube-scheduler'],
  'controller-manager': ['system:kube-controller-manager'],
  kubelet: ['system:nodes'],
  proxy: ['system:node-proxier'],
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
