import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

export interface EtcdInstance {
  endpoint: string;
  dataDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
  /** SIGKILL without cleanup, for failure tests; restart() brings it back on the same port and data. */
  kill(): Promise<void>;
  restart(): Promise<void>;
}

async function waitHealthy(endpoint: string, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      const res = await fetch(`${endpoint}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`etcd at ${endpoint} did not become healthy in ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function exited(proc: ChildProcess): Promise<void> {
  return proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once('exit', () => r()));
}

/** Starts a real single-member etcd on free loopback ports in a temporary data directory. */
export async function startEtcd(): Promise<EtcdInstance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubets-etcd-'));
  const clientPort = await freePort();
  const peerPort = await freePort();
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const launch = (): ChildProcess =>
    spawn(
      'etcd',
      [
        '--data-dir', dataDir,
        '--name', 'test',
        '--listen-client-urls', endpoint,
        '--advertise-client-urls', endpoint,
        '--listen-peer-urls', `http://127.0.0.1:${peerPort}`,
        '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
        '--initial-cluster', `test=http://127.0.0.1:${peerPort}`,
        '--log-level', 'error',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  const instance: EtcdInstance = {
    endpoint,
    dataDir,
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
      await waitHealthy(endpoint, 15_000);
    },
  };
  await waitHealthy(endpoint, 15_000);
  return instance;
}
