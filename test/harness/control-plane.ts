import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { ApiClient } from '../../lib/client/client.js';
import { generateToken, writeTokenFile } from '../../lib/auth/token-file.js';
import { startApiserver, type RunningApiserver } from '../../services/apiserver/server.js';
import type { ApiserverOptions } from '../../services/apiserver/options.js';
import { startEtcd, type EtcdInstance } from './etcd.js';

export interface ControlPlane {
  etcd: EtcdInstance;
  apiservers: RunningApiserver[];
  dataDir: string;
  token: string;
  caPem: string;
  /** A client of all running apiservers (or of the given ones), with the admin token. */
  client(servers?: string[], log?: Logger): ApiClient;
  /** The token of one of the extra users given at start. */
  tokenOf(user: string): string;
  /** A client of all running apiservers with an extra user's token. */
  clientAs(user: string): ApiClient;
  /** Starts one more apiserver on the same etcd and data directory (same CA). */
  addApiserver(extra?: Partial<ApiserverOptions>): Promise<RunningApiserver>;
  stop(): Promise<void>;
}

const silent = pino({ level: process.env.KUBETS_TEST_LOG ?? 'silent' });

export interface ExtraUser {
  name: string;
  groups?: string[];
}

/**
 * Real etcd plus in-process apiservers on free loopback ports, with TLS and a token file holding
 * the admin (system:masters) and any extra users a test asks for.
 */
export async function startControlPlane(
  opts: { apiservers?: number; apiserver?: Partial<ApiserverOptions>; users?: ExtraUser[]; etcdTls?: boolean } = {},
): Promise<ControlPlane> {
  const etcd = await startEtcd({ tls: opts.etcdTls });
  // Over TLS the apiservers present the client certificate etcd's --client-cert-auth asks for.
  const etcdTls: Partial<ApiserverOptions> = etcd.tls ? { etcdCAFile: etcd.tls.caFile, etcdCertFile: etcd.tls.certFile, etcdKeyFile: etcd.tls.keyFile } : {};
  const dataDir = mkdtempSync(join(tmpdir(), 'kubets-apiserver-'));
  const token = generateToken();
  const tokenFile = join(dataDir, 'tokens.csv');
  const extra = (opts.users ?? []).map((u) => ({ token: generateToken(), user: { name: u.name, uid: u.name, groups: u.groups ?? [] } }));
  await writeTokenFile(tokenFile, [{ token, user: { name: 'admin', uid: 'admin', groups: ['system:masters'] } }, ...extra]);
  const tokenOf = (user: string): string => {
    const entry = extra.find((e) => e.user.name === user);
    if (!entry) throw new Error(`no extra user ${user} in this control plane`);
    return entry.token;
  };
  const clients: ApiClient[] = [];
  const apiservers: RunningApiserver[] = [];
  const addApiserver = async (extra: Partial<ApiserverOptions> = {}): Promise<RunningApiserver> => {
    const server = await startApiserver(
      // Without a controller-manager no namespace gets its default ServiceAccount: pods are admitted without one, as in Kubernetes' integration tests.
      { etcdServers: [etcd.endpoint], securePort: 0, dataDir, tokenAuthFile: tokenFile, compactionIntervalMs: 3_600_000, disableAdmissionPlugins: ['ServiceAccount'], ...etcdTls, ...opts.apiserver, ...extra },
      silent.child({ component: 'apiserver' }),
    );
    apiservers.push(server);
    return server;
  };
  const count = opts.apiservers ?? 1;
  for (let i = 0; i < count; i++) await addApiserver();
  const caPem = readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8');
  return {
    etcd,
    apiservers,
    dataDir,
    token,
    caPem,
    addApiserver,
    client(servers, log) {
      const c = new ApiClient({ servers: servers ?? apiservers.map((a) => a.address), ca: caPem, token, deadlineMs: 15_000, connectTimeoutMs: 2_000, ...(log ? { log } : {}) });
      clients.push(c);
      return c;
    },
    tokenOf,
    clientAs(user) {
      const c = new ApiClient({ servers: apiservers.map((a) => a.address), ca: caPem, token: tokenOf(user), deadlineMs: 15_000, connectTimeoutMs: 2_000 });
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.close();
      await Promise.allSettled(apiservers.map((a) => a.stop()));
      await etcd.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
