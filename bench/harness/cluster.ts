import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureClusterFiles } from '../../cli/up/cluster-files.js';
import { ApiClient } from '../../lib/client/client.js';
import { loadClientConfig } from '../../lib/client-config.js';
import { projectRoot } from '../../lib/paths.js';
import { APISERVER_NODE_FLAGS } from '../../services/apiserver/index.js';
import { startEtcd, type EtcdInstance } from '../../test/harness/etcd.js';
import { freePort } from '../../test/harness/ports.js';

export interface BenchCluster {
  etcd: EtcdInstance;
  apiserver: ChildProcess;
  address: string;
  /** The HTTP API: its base URL, and what an admin client needs for it. */
  rest: { url: string; caPem: string; token: string };
  adminConfig: string;
  /** Client config of each node's kubelet (system:node:<name>), for the nodes asked for. */
  kubeletConfigs: Record<string, string>;
  client(opts?: { deadlineMs?: number }): Promise<ApiClient>;
  /** A client with one of the cluster's component identities (not system:masters, so RBAC decides). */
  clientAs(identity: 'scheduler' | 'controller-manager' | 'proxy'): Promise<ApiClient>;
  dir: string;
  stop(): Promise<void>;
}

/**
 * Creates namespace's default ServiceAccount, which ServiceAccount admission requires of every pod
 * there: a bench cluster runs no controller-manager to create it.
 */
export async function createDefaultServiceAccount(client: ApiClient, namespace: string): Promise<void> {
  await client.resource('serviceAccount').create({ metadata: { name: 'default', namespace } });
}

/**
 * Real etcd plus the built apiserver as its own process (so its RSS can be read), on loopback;
 * BENCH_APISERVER_ROOT runs another checkout's built apiserver under this bench's clients (paired runs).
 */
export async function startBenchCluster(opts: { nodes?: string[]; encryptSecrets?: boolean; apiserverArgs?: (dir: string) => string[] } = {}): Promise<BenchCluster> {
  const etcd = await startEtcd();
  const dir = mkdtempSync(join(tmpdir(), 'kubets-bench-'));
  const port = await freePort();
  const restPort = await freePort();
  const address = `127.0.0.1:${port}`;
  const files = await ensureClusterFiles(dir, { servers: [address], hosts: ['127.0.0.1'], nodes: opts.nodes ?? [] });
  const log = openSync(join(dir, 'apiserver.log'), 'a');
  const apiserver = spawn(
    process.execPath,
    [...APISERVER_NODE_FLAGS, ...(process.env.BENCH_APISERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), join(process.env.BENCH_APISERVER_ROOT ?? projectRoot, 'dist/cli/main.js'), 'apiserver', '--etcd-servers', etcd.endpoint, '--secure-port', String(port), '--rest-port', String(restPort), '--data-dir', dir, '--token-auth-file', files.tokenFile, ...(opts.encryptSecrets ? ['--encryption-provider-config', files.encryptionConfig] : []), ...(opts.apiserverArgs?.(dir) ?? [])],
    { stdio: ['ignore', log, log], env: { ...process.env, KUBETS_LOG_LEVEL: 'warn' } },
  );
  const clients: ApiClient[] = [];
  const client = async (opts: { deadlineMs?: number; config?: string } = {}): Promise<ApiClient> => {
    const cfg = await loadClientConfig({ path: opts.config ?? files.configs.admin, env: {} });
    const c = ApiClient.fromConfig(cfg, { deadlineMs: opts.deadlineMs ?? 60_000 });
    clients.push(c);
    return c;
  };
  const probe = await client({ deadlineMs: 2_000 });
  for (let i = 0; ; i++) {
    try {
      await probe.version();
      break;
    } catch (err) {
      if (i > 120 || apiserver.exitCode !== null) throw new Error(`apiserver did not start: ${readFileSync(join(dir, 'apiserver.log'), 'utf8').slice(-2000)}`, { cause: err });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    etcd,
    apiserver,
    address,
    rest: { url: `https://127.0.0.1:${restPort}`, caPem: readFileSync(files.caFile, 'utf8'), token: files.adminToken },
    adminConfig: files.configs.admin,
    kubeletConfigs: files.kubeletConfigs,
    client,
    clientAs: (identity) => client({ config: files.configs[identity] }),
    dir,
    async stop() {
      for (const c of clients) c.close();
      apiserver.kill('SIGTERM');
      await new Promise((r) => (apiserver.exitCode !== null ? r(null) : apiserver.once('exit', r)));
      await etcd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
