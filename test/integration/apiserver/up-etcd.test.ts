import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etcdHealthy } from '../../../lib/etcd-health.js';
import { ApiClient } from '../../../lib/client/client.js';
import { startApiserver, type RunningApiserver } from '../../../services/apiserver/index.js';
import { ensureClusterFiles, type ClusterFiles } from '../../../cli/up/cluster-files.js';
import { etcdClientTls, localEtcdArgs, localEtcdUrl } from '../../../cli/up/etcd-args.js';
import { rawEtcdClient } from '../../harness/etcd.js';
import { freePort } from '../../harness/ports.js';
import { pollUntil } from '../../harness/poll.js';

// What `kubets up` makes and runs, in a data directory under /tmp on free ports: its cluster
// files, etcd with its command line, and an apiserver with those files (in-process).

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

let dir: string;
let files: ClusterFiles;
let etcdProcess: ChildProcess;
let apiserver: RunningApiserver;
let client: ApiClient;
let etcdUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubets-up-etcd-'));
  files = await ensureClusterFiles(dir, { servers: ['127.0.0.1:6443'], hosts: ['127.0.0.1'], nodes: [] });
  // Two consecutive free ports: the client port and the peer port after it.
  let clientPort = await freePort();
  while (!(await portFree(clientPort + 1))) clientPort = await freePort();
  const etcd = { dataDir: dir, clientPort };
  etcdUrl = localEtcdUrl(etcd);
  etcdProcess = spawn('etcd', localEtcdArgs(etcd, files.etcd), { stdio: 'ignore' });
  await pollUntil(() => etcdHealthy(etcdUrl, etcdClientTls(files.etcd)).catch(() => false), { timeoutMs: 20_000, intervalMs: 100, what: 'etcd healthy' });
  apiserver = await startApiserver(
    {
      etcdServers: [etcdUrl], etcdCAFile: files.etcd.caFile, etcdCertFile: files.etcd.clientCertFile, etcdKeyFile: files.etcd.clientKeyFile,
      encryptionProviderConfig: files.encryptionConfig, securePort: 0, dataDir: dir, tokenAuthFile: files.tokenFile, compactionIntervalMs: 3_600_000,
    },
    pino({ level: 'silent' }),
  );
  client = new ApiClient({ servers: [apiserver.address], ca: readFileSync(files.caFile, 'utf8'), token: files.adminToken, deadlineMs: 15_000 });
});

afterAll(async () => {
  client?.close();
  await apiserver?.stop();
  if (etcdProcess && etcdProcess.exitCode === null) {
    etcdProcess.kill('SIGTERM');
    await new Promise((r) => etcdProcess.once('exit', r));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("kubets up's etcd and encryption files", () => {
  it('serves the apiserver over TLS and stores its Secrets encrypted with the generated key', async () => {
    await client.resource('secret').create({ metadata: { name: 's', namespace: 'default' }, stringData: { token: 'up-plaintext-marker' } });
    const raw = rawEtcdClient({ endpoint: etcdUrl }, etcdClientTls(files.etcd));
    try {
      const stored = (await raw.get('/registry/secrets/default/s').buffer())!;
      expect(stored.subarray(0, 23).toString()).toBe('k8s:enc:aescbc:v1:key1:');
      expect(stored.includes(Buffer.from('up-plaintext-marker'))).toBe(false);
    } finally {
      raw.close();
    }
    const read = await client.resource('secret').get('default', 's');
    expect(Buffer.from(read.data!.token as Uint8Array).toString()).toBe('up-plaintext-marker');
  });

  it('refuses plaintext on the etcd port', async () => {
    await expect(etcdHealthy(etcdUrl.replace('https:', 'http:'))).rejects.toThrow();
  });
});
