import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Etcd3 } from 'etcd3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEtcdCerts } from '../../lib/certs/index.js';
import { etcdHealthy, type EtcdTlsFiles } from '../../lib/etcd-health.js';
import { freePort } from './ports.js';

export interface EtcdInstance {
  endpoint: string;
  dataDir: string;
  /**
   * With startEtcd({ tls: true }): etcd's CA and the apiserver's client certificate (the only
   * identity the member accepts), and the directory holding them and etcd's own certificates.
   */
  tls?: EtcdTlsFiles & { pkiDir: string };
  process: ChildProcess;
  stop(): Promise<void>;
  /** SIGKILL without cleanup, for failure tests; restart() brings it back on the same port and data. */
  kill(): Promise<void>;
  restart(): Promise<void>;
}

/** The last bytes a member wrote to stderr, read as they come so that a full pipe never blocks it. */
function stderrTail(proc: ChildProcess): () => string {
  let tail = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-2048);
  });
  return () => tail.trim();
}

/** Waits until the member answers its health check; fails at once when it exits first (with what it said). */
async function waitHealthy(endpoint: string, tls: EtcdTlsFiles | undefined, proc: ChildProcess, deadlineMs: number): Promise<void> {
  const said = stderrTail(proc);
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new EtcdExited(endpoint, said());
    try {
      if (await etcdHealthy(endpoint, tls)) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`etcd at ${endpoint} did not become healthy in ${deadlineMs} ms${said() ? `: ${said()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

class EtcdExited extends Error {
  constructor(endpoint: string, readonly stderr: string) {
    super(`etcd at ${endpoint} exited before it became healthy${stderr ? `: ${stderr}` : ''}`);
  }

  /** Another listener took one of its ports between the check that it was free and etcd's listen. */
  get lostPort(): boolean {
    return /address already in use/i.test(this.stderr);
  }
}

function exited(proc: ChildProcess): Promise<void> {
  return proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once('exit', () => r()));
}

/** etcd's TLS flags as `kubets up` gives them: clients and peers verified against etcd's own CA. */
function tlsFlags(pkiDir: string): string[] {
  const at = (name: string): string => join(pkiDir, name);
  return [
    '--client-cert-auth', '--trusted-ca-file', at('etcd/ca.crt'), '--cert-file', at('etcd/server.crt'), '--key-file', at('etcd/server.key'),
    '--peer-client-cert-auth', '--peer-trusted-ca-file', at('etcd/ca.crt'), '--peer-cert-file', at('etcd/peer.crt'), '--peer-key-file', at('etcd/peer.key'),
  ];
}

/**
 * Starts a real single-member etcd on free loopback ports in a temporary data directory: plaintext
 * by default (the tests' speed), or with tls as `kubets up` runs it (https, client certificates).
 * Should another listener take one of its ports first, it starts again on others.
 */
export async function startEtcd(opts: { tls?: boolean } = {}): Promise<EtcdInstance> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startEtcdOnFreePorts(opts);
    } catch (err) {
      if (!(err instanceof EtcdExited && err.lostPort) || attempt === PORT_ATTEMPTS) throw err;
    }
  }
}

/** Tries at picking free ports, should another listener take one first (see freePort). */
const PORT_ATTEMPTS = 3;
/**
 * Generous: a CI run once saw a member still not healthy after 15 s while the whole suite ran
 * beside it, and healthy later (it was left running, since the harness did not stop it then).
 */
const HEALTHY_WITHIN_MS = 60_000;

async function startEtcdOnFreePorts(opts: { tls?: boolean }): Promise<EtcdInstance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubets-etcd-'));
  const clientPort = await freePort();
  const peerPort = await freePort();
  const scheme = opts.tls ? 'https' : 'http';
  const endpoint = `${scheme}://127.0.0.1:${clientPort}`;
  const pkiDir = join(dataDir, 'pki');
  const tls = opts.tls ? await ensureEtcdCerts(pkiDir) : undefined;
  const launch = (): ChildProcess =>
    spawn(
      'etcd',
      [
        '--data-dir', join(dataDir, 'member'),
        '--name', 'test',
        '--listen-client-urls', endpoint,
        '--advertise-client-urls', endpoint,
        '--listen-peer-urls', `${scheme}://127.0.0.1:${peerPort}`,
        '--initial-advertise-peer-urls', `${scheme}://127.0.0.1:${peerPort}`,
        '--initial-cluster', `test=${scheme}://127.0.0.1:${peerPort}`,
        '--log-level', 'error',
        ...(opts.tls ? tlsFlags(pkiDir) : []),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  const tlsFiles = tls && { pkiDir, caFile: tls.ca.certPath, certFile: tls.apiserverEtcdClient.certPath, keyFile: tls.apiserverEtcdClient.keyPath };
  const instance: EtcdInstance = {
    endpoint,
    dataDir,
    ...(tlsFiles ? { tls: tlsFiles } : {}),
    process: launch(),
    async stop() {
      instance.process.kill('SIGTERM');
      await exited(instance.process);
      rmSync(dataDir, { recursive: true, force: true });
    },
    async kill() {
      instance.process.kill('SIGKILL');
      await exited(instance.process);
    },
    async restart() {
      instance.process = launch();
      await waitHealthy(endpoint, tlsFiles, instance.process, HEALTHY_WITHIN_MS);
    },
  };
  try {
    await waitHealthy(endpoint, tlsFiles, instance.process, HEALTHY_WITHIN_MS);
  } catch (err) {
    await instance.stop();
    throw err;
  }
  return instance;
}

/** A plain etcd3 client of the member (with the apiserver's client certificate when it runs TLS), for checking what was stored. */
export function rawEtcdClient(etcd: Pick<EtcdInstance, 'endpoint' | 'tls'>, tls: EtcdTlsFiles | undefined = etcd.tls): Etcd3 {
  return new Etcd3({
    hosts: [etcd.endpoint],
    ...(tls ? { credentials: { rootCertificate: readFileSync(tls.caFile), certChain: readFileSync(tls.certFile), privateKey: readFileSync(tls.keyFile) } } : {}),
  });
}
