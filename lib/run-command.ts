import { execFile } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

class CommandError extends Error {
  override readonly name = 'CommandError';
}

/**
 * Runs a program and resolves with its exit code and output whatever the code; rejects only when it
 * could not run at all (not installed: the message names the Debian package), or ran past the timeout.
 */
export function runCommand(file: string, args: readonly string[], opts: { input?: string; timeoutMs?: number; packageName?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, [...args], { timeout: opts.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') {
        const missing = err.code === 'ENOENT' ? `${file} not found: install the ${opts.packageName ?? file} package` : undefined;
        reject(new CommandError(missing ?? err.message));
        return;
      }
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** runCommand for programs that must succeed: a non-zero exit rejects with the command and its message. */
export async function mustRun(file: string, args: readonly string[], opts: { input?: string; timeoutMs?: number; packageName?: string } = {}): Promise<string> {
  const result = await runCommand(file, args, opts);
  if (result.code !== 0) throw new CommandError(`${file} ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim() || 'no message'}`);
  return result.stdout;
}
