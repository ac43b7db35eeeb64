import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noop } from 'cockatiel';
import { Etcd3 } from 'etcd3';
import { etcdClientTls } from '../../cli/up/etcd-args.js';
import { ensureClusterFiles, type ClusterFiles } from '../../cli/up/cluster-files.js';
import { ApiClient } from '../../lib/client/client.js';
import { loadClientConfig } from '../../lib/client-config.js';
import { etcdHealthy } from '../../lib/etcd-health.js';
import { projectRoot } from '../../lib/paths.js';
import { APISERVER_NODE_FLAGS } from '../../services/apiserver/index.js';
import { pollUntil } from './poll.js';
import { freePort } from './ports.js';

// A highly available control plane on loopback, as deploy/ha/ describes it on three machines:
// three etcd members (TLS, client certificates), three apiservers (the built dist, each its own
// process, given all three members) and HAProxy with the shipped configuration in front of them.
// For the failover test and benchmark, which kill members and apiservers with SIGKILL.

/**
 * The shipped HAProxy configuration (deploy/ha/haproxy.cfg) with its addresses moved to loopback:
 * it listens on 127.0.0.1:port and balances over backends; no syslog, in the foreground.
 */
export function loopbackHaproxyConfig(port: number, backends: string[]): string {
  const shipped = readFileSync(join(projectRoot, 'deploy/ha/haproxy.cfg'), 'utf8');
  const servers = backends.map((b, i) => `    server master${i + 1} ${b} check`).join('\n');
  return shipped
    .replace(/^\s*log .*$/gm, '')
    .replace(/^\s*daemon$/m, '')
    .replace(/bind \*:8443/, `bind 127.0.0.1:${port}`)
    .replace(/(\s*server master\d .*\n?)+/, `\n${servers}\n`);
}

export interface HaProcess {
  name: string;
  process: ChildProcess;
  /** SIGKILL, as a crash or power loss: no shutdown work. Resolves when the process is gone. */
  kill(): Promise<void>;
}

export interface HaEtcdMember extends HaProcess {
  endpoint: string;
}

export interface HaApiserver extends HaProcess {
  address: string;
}

export interface HaCluster {
  dir: string;
  files: ClusterFiles;
  etcd: HaEtcdMember[];
  apiservers: HaApiserver[];
  /** HAProxy's frontend, the one address clients are given. */
  address: string;
  /** An admin client of HAProxy's address only, as every client of an HA cluster is configured. */
  client(opts?: { deadlineMs?: number }): Promise<ApiClient>;
  /** A raw etcd client of the members still running, with the apiserver's client certificate. */
  etcdClient(): Etcd3;
  /** The member that is leader now, by asking the running members (etcd's maintenance Status). */
  etcdLeader(): Promise<HaEtcdMember | undefined>;
  /** Each running member's own revision (its Status; a follower may trail the leader for a moment). */
  memberRevisions(): Promise<number[]>;
  stop(): Promise<void>;
}

function exited(proc: ChildProcess): Promise<void> {
  return proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once('exit', () => r()));
}

function alive(p: HaProcess): boolean {
  return p.process.exitCode === null && p.process.signalCode === null;
}

function processOf(name: string, proc: ChildProcess): HaProcess {
  return {
    name,
    process: proc,
    async kill() {
      proc.kill('SIGKILL');
      await exited(proc);
    },
  };
}

function etcdCredentials(files: ClusterFiles): { rootCertificate: Buffer; certChain: Buffer; privateKey: Buffer } {
  return { rootCertificate: readFileSync(files.etcd.caFile), certChain: readFileSync(files.etcd.clientCertFile), privateKey: readFileSync(files.etcd.clientKeyFile) };
}

/** Three etcd members forming one cluster (TLS, client certificates), on free loopback ports, their data and logs in dir. */
export async function startEtcdMembers(dir: string, files: ClusterFiles): Promise<HaEtcdMember[]> {
  const ports = [];
  for (let i = 0; i < 3; i++) ports.push({ client: await freePort(), peer: await freePort() });
  const peers = ports.map((p, i) => `etcd${i + 1}=https://127.0.0.1:${p.peer}`).join(',');
  const members = ports.map((p, i): HaEtcdMember => {
    const name = `etcd${i + 1}`;
    const endpoint = `https://127.0.0.1:${p.client}`;
    const log = openSync(join(dir, `${name}.log`), 'a');
    const proc = spawn(
      'etcd',
      [
        '--name', name, '--data-dir', join(dir, name),
        '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
        '--listen-peer-urls', `https://127.0.0.1:${p.peer}`, '--initial-advertise-peer-urls', `https://127.0.0.1:${p.peer}`,
        '--initial-cluster', peers, '--initial-cluster-state', 'new', '--initial-cluster-token', `kubets-ha-${dir}`,
        '--client-cert-auth', '--trusted-ca-file', files.etcd.caFile, '--cert-file', files.etcd.serverCertFile, '--key-file', files.etcd.serverKeyFile,
        '--peer-client-cert-auth', '--peer-trusted-ca-file', files.etcd.caFile, '--peer-cert-file', files.etcd.peerCertFile, '--peer-key-file', files.etcd.peerKeyFile,
        '--log-level', 'warn',
      ],
      { stdio: ['ignore', log, log] },
    );
    return { ...processOf(name, proc), endpoint };
  });
  const tls = etcdClientTls(files.etcd);
  await Promise.all(members.map((m) => pollUntil(() => etcdHealthy(m.endpoint, tls), { timeoutMs: 30_000, intervalMs: 100, what: `etcd member ${m.name} healthy` })));
  return members;
}

async function startApiservers(dir: string, files: ClusterFiles, etcd: HaEtcdMember[]): Promise<HaApiserver[]> {
  const ports = [];
  for (let i = 0; i < 3; i++) ports.push({ grpc: await freePort(), rest: await freePort() });
  return ports.map((port, i): HaApiserver => {
    const name = `apiserver${i + 1}`;
    const log = openSync(join(dir, `${name}.log`), 'a');
    const proc = spawn(
      process.execPath,
      [
        ...APISERVER_NODE_FLAGS, join(projectRoot, 'dist/cli/main.js'), 'apiserver',
        '--etcd-servers', etcd.map((m) => m.endpoint).join(','),
        '--etcd-cafile', files.etcd.caFile, '--etcd-certfile', files.etcd.clientCertFile, '--etcd-keyfile', files.etcd.clientKeyFile,
        '--secure-port', String(port.grpc), '--rest-port', String(port.rest), '--metrics-port', '0', '--bind-address', '127.0.0.1',
        '--tls-cert-file', join(files.pkiDir, 'apiserver.crt'), '--tls-private-key-file', join(files.pkiDir, 'apiserver.key'),
        '--client-ca-file', files.caFile, '--data-dir', dir, '--token-auth-file', files.tokenFile,
      ],
      { stdio: ['ignore', log, log], env: { ...process.env, KUBETS_LOG_LEVEL: 'warn' } },
    );
    return { ...processOf(name, proc), address: `127.0.0.1:${port.grpc}` };
  });
}

/** Three etcd members, three apiservers and HAProxy, on free loopback ports in a temporary directory. */
export async function startHaCluster(): Promise<HaCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'kubets-ha-'));
  const stopped: HaProcess[] = [];
  try {
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    const files = await ensureClusterFiles(dir, { servers: [address], hosts: ['127.0.0.1'] });
    const etcd = await startEtcdMembers(dir, files);
    stopped.push(...etcd);
    const apiservers = await startApiservers(dir, files, etcd);
    stopped.push(...apiservers);
    const cfg = join(dir, 'haproxy.cfg');
    writeFileSync(cfg, loopbackHaproxyConfig(port, apiservers.map((a) => a.address)));
    const haproxy = processOf('haproxy', spawn('haproxy', ['-f', cfg, '-db'], { stdio: ['ignore', openSync(join(dir, 'haproxy.log'), 'a'), openSync(join(dir, 'haproxy.log'), 'a')] }));
    stopped.push(haproxy);
    const clients: ApiClient[] = [];
    const credentials = etcdCredentials(files);
    const client = async (opts: { deadlineMs?: number } = {}): Promise<ApiClient> => {
      const cfg = await loadClientConfig({ path: files.configs.admin, env: {} });
      const c = ApiClient.fromConfig(cfg, { deadlineMs: opts.deadlineMs ?? 30_000 });
      clients.push(c);
      return c;
    };
    // Every apiserver ready on its own port, then HAProxy in front of them.
    for (const a of apiservers) {
      const direct = new ApiClient({ servers: [a.address], ca: readFileSync(files.caFile), token: files.adminToken, deadlineMs: 2_000 });
      try {
        await pollUntil(async () => {
          if (!alive(a)) throw new Error(`${a.name} exited: ${readFileSync(join(dir, `${a.name}.log`), 'utf8').slice(-2000)}`);
          return direct.version();
        }, { timeoutMs: 60_000, intervalMs: 100, what: `${a.name} serving` });
      } finally {
        direct.close();
      }
    }
    // One client per member, without retries or failover: each answers for its own member.
    const memberClients = new Map(etcd.map((m) => [m, new Etcd3({ hosts: [m.endpoint], credentials, defaultCallOptions: () => ({ deadline: Date.now() + 1_000 }), faultHandling: { global: noop, host: () => noop } })]));
    const probe = await client({ deadlineMs: 2_000 });
    await pollUntil(() => probe.version(), { timeoutMs: 30_000, intervalMs: 100, what: 'HAProxy forwarding to the apiservers' });
    const cluster: HaCluster = {
      dir,
      files,
      etcd,
      apiservers,
      address,
      client,
      etcdClient: () => new Etcd3({ hosts: etcd.filter(alive).map((m) => m.endpoint), credentials }),
      async etcdLeader() {
        for (const m of etcd.filter(alive)) {
          try {
            const status = await memberClients.get(m)!.maintenance.status();
            if (status.leader !== '0' && status.header.member_id === status.leader) return m;
          } catch {
            // down or without a leader: ask the next one
          }
        }
        return undefined;
      },
      async memberRevisions() {
        return Promise.all(etcd.filter(alive).map(async (m) => Number((await memberClients.get(m)!.maintenance.status()).header.revision)));
      },
      async stop() {
        for (const c of clients) c.close();
        for (const c of memberClients.values()) c.close();
        await Promise.all(stopped.map((p) => p.kill()));
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return cluster;
  } catch (err) {
    await Promise.all(stopped.map((p) => p.kill()));
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The member that is leader once there is one other than except: polls etcdLeader until deadlineMs. */
export function waitForLeader(cluster: HaCluster, deadlineMs: number, except?: HaEtcdMember): Promise<HaEtcdMember> {
  return pollUntil(async () => {
    const leader = await cluster.etcdLeader();
    return leader !== except && leader;
  }, { timeoutMs: deadlineMs, intervalMs: 50, what: 'an etcd leader' });
}
