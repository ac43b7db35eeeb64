import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import type { Logger } from 'pino';
import { sleep } from '../../lib/informer/backoff.js';
import { runCommand } from '../../lib/run-command.js';

// One HAProxy in master-worker mode (`-W -S <socket>`), supervised as a child process. A reload is
// the `reload` command on the master socket: the master re-executes itself with the new file, the
// new worker takes the listening sockets over from the old one (`expose-fd listeners` on its admin
// socket), and the old worker finishes the connections it holds. No connection is refused.

export class HAProxyError extends Error {}

const START_TIMEOUT_MS = 30_000;
const RELOAD_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** Sends one command to the master socket and returns its whole answer. */
export function masterCommand(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.end(`${command}\n`));
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

/** The master's PID in `show proc` output. */
export function masterPid(showProc: string): number | undefined {
  const match = /^(\d+)\s+master\b/m.exec(showProc);
  return match ? Number(match[1]) : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The current worker's PID in `show proc` output (the first line after `# workers`). */
export function currentWorkerPid(showProc: string): number | undefined {
  const lines = showProc.split('\n');
  const start = lines.findIndex((line) => line.startsWith('# workers'));
  if (start < 0) return undefined;
  const pid = Number.parseInt(lines[start + 1] ?? '', 10);
  return Number.isNaN(pid) ? undefined : pid;
}

export interface HAProxyProcessOptions {
  binary: string;
  configPath: string;
  masterSocketPath: string;
  log: Logger;
}

export class HAProxyProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private workerPid: number | undefined;
  private adoptedMaster: number | undefined;

  constructor(private readonly options: HAProxyProcessOptions) {}

  /** `haproxy -c`: refuses a configuration HAProxy would not load, with HAProxy's own message. */
  async check(configPath: string): Promise<void> {
    const result = await runCommand(this.options.binary, ['-c', '-q', '-f', configPath]);
    if (result.code !== 0) throw new HAProxyError(`haproxy rejected ${configPath}: ${(result.stderr || result.stdout).trim()}`);
  }

  get running(): boolean {
    if (this.child) return this.child.exitCode === null && this.child.signalCode === null;
    return this.adoptedMaster !== undefined && isAlive(this.adoptedMaster);
  }

  /**
   * Starts HAProxy, or adopts the one already answering on the master socket (left running by a
   * controller that died) and reloads it, so a restarted controller neither fails to bind its
   * ports nor interrupts traffic.
   */
  async start(): Promise<void> {
    const { binary, configPath, masterSocketPath, log } = this.options;
    const running = await masterCommand(masterSocketPath, 'show proc').catch(() => '');
    const adopted = masterPid(running);
    if (adopted !== undefined && isAlive(adopted)) {
      this.adoptedMaster = adopted;
      this.workerPid = currentWorkerPid(running);
      log.info({ master: adopted, worker: this.workerPid }, 'adopted the running haproxy');
      await this.reload();
      return;
    }
    const child = spawn(binary, ['-W', '-S', `${masterSocketPath},mode,600`, '-f', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const output = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => log.info({ stream }, chunk.toString('utf8').trimEnd());
    child.stdout?.on('data', output('stdout'));
    child.stderr?.on('data', output('stderr'));
    child.once('exit', (code, signal) => log.info({ code, signal }, 'haproxy exited'));
    this.workerPid = await this.waitForWorker(undefined, START_TIMEOUT_MS);
    log.info({ master: child.pid, worker: this.workerPid }, 'haproxy started');
  }

  /** Reloads the configuration file and waits until a new worker serves it. */
  async reload(): Promise<void> {
    if (!this.running) throw new HAProxyError('haproxy is not running');
    const previous = this.workerPid;
    await masterCommand(this.options.masterSocketPath, 'reload');
    this.workerPid = await this.waitForWorker(previous, RELOAD_TIMEOUT_MS);
    this.options.log.info({ worker: this.workerPid, previous }, 'haproxy reloaded');
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    const pid = this.child?.pid ?? this.adoptedMaster!;
    process.kill(pid, 'SIGTERM');
    const gone = this.child ? this.exited : this.waitUntilGone(pid);
    const stopped = await Promise.race([gone.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
    if (!stopped && this.running) {
      process.kill(pid, 'SIGKILL');
      await gone;
    }
  }

  private async waitUntilGone(pid: number): Promise<void> {
    while (isAlive(pid)) await sleep(50);
  }

  /** Polls `show proc` until a worker other than `previous` is up (the master socket is gone while the master re-executes). */
  private async waitForWorker(previous: number | undefined, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new HAProxyError(`haproxy exited (code ${this.child?.exitCode ?? this.child?.signalCode ?? 'unknown'})`);
      const pid = await masterCommand(this.options.masterSocketPath, 'show proc').then(currentWorkerPid, () => undefined);
      if (pid !== undefined && pid !== previous) return pid;
      await sleep(50);
    }
    throw new HAProxyError(`no new haproxy worker within ${timeoutMs / 1000}s`);
  }
}
