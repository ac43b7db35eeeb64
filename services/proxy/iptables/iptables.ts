import { runCommand, type CommandResult } from '../../../lib/run-command.js';

export type TableName = 'filter' | 'nat';

export type { CommandResult };

/** The three programs the proxy drives; a fake in unit tests, the real binaries otherwise. */
export interface IptablesRunner {
  iptables(args: readonly string[]): Promise<CommandResult>;
  save(table: TableName): Promise<string>;
  /** iptables-restore --noflush: applies the whole input atomically or nothing of it. */
  restore(input: string): Promise<void>;
}

export class IptablesError extends Error {
  override readonly name = 'IptablesError';

  constructor(
    readonly command: string,
    readonly code: number,
    readonly stderr: string,
  ) {
    super(`${command} failed (exit ${code}): ${stderr.trim() || 'no message'}`);
  }
}

// Other programs (Docker, a second iptables user) hold the xtables lock for short moments: wait
// for it rather than fail the sync.
const LOCK_WAIT_SECONDS = '5';
const TIMEOUT_MS = 30_000;

function run(file: string, args: readonly string[], input?: string): Promise<CommandResult> {
  return runCommand(file, args, { timeoutMs: TIMEOUT_MS, packageName: 'iptables', ...(input !== undefined && { input }) }).catch((err: Error) => {
    throw new IptablesError(file, -1, err.message);
  });
}

/** Runs the host's iptables, iptables-save and iptables-restore (whichever backend they use). */
export class ExecIptables implements IptablesRunner {
  iptables(args: readonly string[]): Promise<CommandResult> {
    return run('iptables', ['-w', LOCK_WAIT_SECONDS, ...args]);
  }

  async save(table: TableName): Promise<string> {
    const result = await run('iptables-save', ['-t', table]);
    if (result.code !== 0) throw new IptablesError(`iptables-save -t ${table}`, result.code, result.stderr);
    return result.stdout;
  }

  async restore(input: string): Promise<void> {
    const result = await run('iptables-restore', ['-w', LOCK_WAIT_SECONDS, '--noflush'], input);
    if (result.code !== 0) throw new IptablesError('iptables-restore --noflush', result.code, result.stderr);
  }
}

/** Chain names declared in iptables-save output. */
export function chainsIn(saveOutput: string): string[] {
  const chains: string[] = [];
  for (const line of saveOutput.split('\n')) {
    const m = /^:(\S+) /.exec(line);
    if (m) chains.push(m[1]!);
  }
  return chains;
}
