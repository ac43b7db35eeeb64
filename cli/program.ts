import { Command } from 'commander';
import { registerClientCommands } from './commands/index.js';
import type { ExternalCommand } from './external-commands.js';
import { isCommanderError, useKubectlErrors } from './kubectl-errors.js';
import { helpCommand, inherit, lazyCommand } from './lazy-command.js';
import { VERSION } from '../lib/version.js';

// One binary: a subcommand for each daemon and kubectl's verbs for users.

export interface ExternalCommands {
  daemons: readonly ExternalCommand[];
  cluster: readonly ExternalCommand[];
}

function buildProgram(external: ExternalCommands): Command {
  const program = new Command('kubets')
    .description('kubets: a small Kubernetes-style container orchestrator')
    .version(VERSION, '--client-version', 'print the client version')
    .showSuggestionAfterError(true)
    .helpCommand(false)
    .exitOverride();
  useKubectlErrors(program);
  const stub = (c: ExternalCommand): Command => lazyCommand(c.name, c.summary, c.load);
  for (const command of external.daemons) program.addCommand(stub(command));
  registerClientCommands(program);
  for (const command of external.cluster) program.addCommand(stub(command));
  program.addCommand(inherit(helpCommand(), program));
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
export function runKubets(external: ExternalCommands): void {
  buildProgram(external).parseAsync(process.argv).catch(fail);
}
