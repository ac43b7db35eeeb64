import { Command, CommanderError } from 'commander';
import { CliContext, type CliIO, type GlobalOptions, type InjectedConnection } from './context.js';
import { formatError } from './errors.js';
import { noteServedVerb } from './served-verb.js';

/** The process's own streams; tests substitute their own. */
function processIO(): CliIO {
  // stdin only when a verb reads it: making process.stdin loads a stream implementation (fs' or
  // net's, by what stdin is), which most verbs never need.
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    get stdin() {
      return process.stdin;
    },
    env: process.env,
  };
}

export interface VerbDeps {
  io: () => CliIO;
  /** Tests run verbs in-process against a client of their own. */
  connection?: () => InjectedConnection;
}

export const defaultDeps: VerbDeps = { io: processIO };

function globalsOf(command: Command): GlobalOptions {
  const all = command.optsWithGlobals<GlobalOptions>();
  const globals: GlobalOptions = {};
  if (all.server) globals.server = all.server;
  if (all.token) globals.token = all.token;
  if (all.certificateAuthority) globals.certificateAuthority = all.certificateAuthority;
  if (all.kubeconfig) globals.kubeconfig = all.kubeconfig;
  if (all.context) globals.context = all.context;
  if (all.namespace) globals.namespace = all.namespace;
  if (all.as) globals.as = all.as;
  if (all.asGroup?.length) globals.asGroup = all.asGroup;
  return globals;
}

/**
 * Wraps a verb's handler: builds its context from the global flags, prints a failure the way
 * kubectl does (one line, no stack) and turns it, or a non-zero result, into the exit code.
 */
export function verbAction(deps: VerbDeps, handler: (ctx: CliContext, args: unknown[], command: Command) => Promise<number | void>) {
  return async (...actionArgs: unknown[]): Promise<void> => {
    const command = actionArgs[actionArgs.length - 1] as Command;
    const positional = actionArgs.slice(0, -2);
    const ctx = new CliContext(globalsOf(command), deps.io(), deps.connection?.());
    let code = 0;
    try {
      code = (await handler(ctx, positional, command)) ?? 0;
      if (code === 0 && ctx.connected) noteServedVerb();
    } catch (err) {
      ctx.err(`${formatError(err)}\n`);
      code = 1;
    } finally {
      ctx.close();
    }
    if (code !== 0) throw new CommanderError(code, 'kubets.failed', '');
  };
}
