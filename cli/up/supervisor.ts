import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import type { Logger } from 'pino';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Runs child processes and restarts any that exits, with a doubling back-off (k3s-style
 * supervision). stop() ends them in reverse start order.
 */
export class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private readonly order: ProcessSpec[] = [];
  private stopping = false;

  constructor(private readonly log: Logger) {}

  start(spec: ProcessSpec): void {
    this.order.push(spec);
    this.launch(spec, 1_000);
  }

  private launch(spec: ProcessSpec, backoffMs: number): void {
    const out = openSync(spec.logFile, 'a');
    const child = spawn(spec.command, spec.args, { stdio: ['ignore', out, out], env: spec.env ?? process.env });
    const startedAt = Date.now();
    this.children.set(spec.name, child);
    this.log.info({ process: spec.name, pid: child.pid, log: spec.logFile }, 'started');
    child.on('exit', (code, signal) => {
      if (this.stopping) return;
      // A process that ran for a while starts over with a short back-off.
      const next = Date.now() - startedAt > 60_000 ? 1_000 : Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      this.log.warn({ process: spec.name, code, signal, restartInMs: backoffMs }, 'exited; restarting');
      setTimeout(() => !this.stopping && this.launch(spec, next), backoffMs).unref();
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const spec of [...this.order].reverse()) {
      const child = this.children.get(spec.name);
      if (!child || child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      this.log.info({ process: spec.name }, 'stopped');
    }
  }
}
