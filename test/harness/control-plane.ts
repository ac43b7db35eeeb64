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
  /** Starts one more apiserver on the same etcd and data directory (same CA). */
  addApiserver(extra?: Partial<ApiserverOptions>): Promise<RunningApiserver>;
  stop(): Promise<void>;
}

const silent = pino({ level: process.env.KUBETS_TEST_LOG ?? 'silent' });

/** Real etcd plus in-process apiservers on free loopback ports, with TLS and a token file. */
export async function startControlPlane(opts: { apiservers?: number; apiserver?: Partial<ApiserverOptions> } = {}): Promise<ControlPlane> {
  const etcd = await startEtcd();
  const dataDir = mkdtempSync(join(tmpdir(), 'kubets-apiserver-'));
  const token = generateToken();
  const tokenFile = join(dataDir, 'tokens.csv');
  await writeTokenFile(tokenFile, [{ token, user: { name: 'admin', uid: 'admin', groups: ['system:masters'] } }]);
  const clients: ApiClient[] = [];
  const apiservers: RunningApiserver[] = [];
  const addApiserver = async (extra: Partial<ApiserverOptions> = {}): Promise<RunningApiserver> => {
    const server = await startApiserver(
      { etcdServers: [etcd.endpoint], securePort: 0, dataDir, tokenAuthFile: tokenFile, compactionIntervalMs: 3_600_000, ...opts.apiserver, ...extra },
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
    async stop() {
      for (const c of clients) c.close();
      await Promise.allSettled(apiservers.map((a) => a.stop()));
      await etcd.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
