import type { ExternalCommand } from './external-commands.js';
import { lazyCommand } from './lazy-command.js';
import { rootProgram, runProgram } from './root-program.js';

// A daemon's command line (`kubets apiserver ...`), for the built CLI's entry point: the program
// with that daemon's command alone, parsed as the whole command line parses it. A daemon uses none
// of the client's code, and loading the client's bundle cost each daemon a few megabytes for as
// long as it runs (bench/README.md, issue 9, the idle apiserver's memory).

export function runDaemon(daemon: ExternalCommand): void {
  const program = rootProgram();
  program.addCommand(lazyCommand(daemon.name, daemon.summary, daemon.load));
  runProgram(program);
}
