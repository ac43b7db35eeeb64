import type { Command } from 'commander';
import { registerClientCommands } from './commands/index.js';
import type { ExternalCommand } from './external-commands.js';
import { helpCommand, inherit, lazyCommand } from './lazy-command.js';
import { rootProgram, runProgram } from './root-program.js';

// One binary: a subcommand for each daemon and kubectl's verbs for users.

export interface ExternalCommands {
  daemons: readonly ExternalCommand[];
  cluster: readonly ExternalCommand[];
}

function buildProgram(external: ExternalCommands): Command {
  const program = rootProgram();
  const stub = (c: ExternalCommand): Command => lazyCommand(c.name, c.summary, c.load);
  for (const command of external.daemons) program.addCommand(stub(command));
  registerClientCommands(program);
  for (const command of external.cluster) program.addCommand(stub(command));
  program.addCommand(inherit(helpCommand(), program));
  return program;
}

/** Runs the command line in process.argv. */
export function runKubets(external: ExternalCommands): void {
  runProgram(buildProgram(external));
}
