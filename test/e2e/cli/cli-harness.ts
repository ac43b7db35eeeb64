import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeClientConfig } from '../../../lib/client-config.js';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';

// Runs the kubets CLI as a user would: a separate process (the TypeScript entry through tsx, so
// no build step can be stale), against a real etcd and apiserver, with a client config file.

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const ENTRY = join(REPO_ROOT, 'cli', 'main.ts');

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

interface RunOptions {
  stdin?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface CliEnvironment {
  cp: ControlPlane;
  dir: string;
  configPath: string;
  run(args: string[], opts?: RunOptions): Promise<CliResult>;
  /** Writes a file in the environment's folder (a manifest, an editor script) and returns its path. */
  file(name: string, text: string, mode?: number): string;
  /** Starts the CLI and hands back the child, for commands that keep running (get -w). */
  spawn(args: string[]): ReturnType<typeof spawn>;
  stop(): Promise<void>;
}

export function runCli(args: string[], env: Record<string, string>, opts: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ stdout, stderr, code: code ?? (signal ? 128 : 1) });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

/** One CLI environment for the calling file: started before its tests, stopped after them. Read its fields inside the tests. */
export function useCliEnvironment(): CliEnvironment {
  const env = {} as CliEnvironment;
  beforeAll(async () => {
    Object.assign(env, await startCliEnvironment());
  });
  afterAll(async () => {
    await env.stop?.();
  });
  return env;
}

/** A control plane plus a client config pointing at it (context "test", namespace default). */
export async function startCliEnvironment(): Promise<CliEnvironment> {
  const cp = await startControlPlane();
  const dir = mkdtempSync(join(tmpdir(), 'kubets-cli-'));
  const caPath = join(dir, 'ca.crt');
  writeFileSync(caPath, cp.caPem);
  const configPath = join(dir, 'config');
  await writeClientConfig(configPath, {
    currentContext: 'test',
    contexts: { test: { servers: cp.apiservers.map((a) => a.address), certificateAuthority: caPath, token: cp.token } },
  });
  const env = { KUBETS_CONFIG: configPath, HOME: dir };
  return {
    cp,
    dir,
    configPath,
    run: (args, opts) => runCli(args, env, opts),
    file(name, text, mode = 0o644) {
      const path = join(dir, name);
      writeFileSync(path, text, { mode });
      chmodSync(path, mode);
      return path;
    },
    spawn: (args) =>
      spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] }),
    async stop() {
      await cp.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
