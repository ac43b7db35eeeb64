import { Command } from 'commander';
import { isCommanderError, useKubectlErrors } from './kubectl-errors.js';
import { VERSION } from '../lib/version.js';

// The `kubets` program itself, before any subcommand is added: shared by the whole command line
// (cli/program.ts) and by a daemon's, which holds that daemon's command alone (cli/daemon-program.ts).

export function rootProgram(): Command {
  const program = new Command('kubets')
    .description('kubets: a small Kubernetes-style container orchestrator')
    .version(VERSION, '--client-version', 'print the client version')
    .showSuggestionAfterError(true)
    .helpCommand(false)
    .exitOverride();
  useKubectlErrors(program);
  return program;
}

/** Errors reach users as one line, never as a stack trace. */
function fail(err: unknown): never {
  if (isCommanderError(err)) process.exit(err.exitCode);
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(message.startsWith('error:') ? `${message}\n` : `error: ${message}\n`);
  process.exit(1);
}

/** Runs the command line in process.argv. */
export function runProgram(program: Command): void {
  program.parseAsync(process.argv).catch(fail);
}
