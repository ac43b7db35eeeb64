import { Command } from 'commander';
import type { ReadStream, WriteStream } from 'node:tty';
import type { ExecStart } from '../../lib/api/generated/index.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { chooseContainer } from '../pods.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import { resolvePod } from './logs.js';

interface ExecFlags {
  stdin?: boolean;
  tty?: boolean;
  container?: string;
}

/** `kubets exec`: runs a command in a container; its exit code becomes ours. */
async function runExec(ctx: CliContext, target: string, command: string[], flags: ExecFlags): Promise<number> {
  if (command.length === 0) throw new CliError('you must specify at least one command for the container');
  const pod = await resolvePod(ctx, target);
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
    throw new CliError(`cannot exec into a container in a completed pod; current phase is ${pod.status.phase}`);
  }
  const stdin = ctx.io.stdin as ReadStream;
  const stdout = ctx.io.stdout as WriteStream;
  const wantTty = Boolean(flags.tty);
  const tty = wantTty && Boolean(flags.stdin) && Boolean(stdin.isTTY);
  if (wantTty && !tty) ctx.err('Unable to use a TTY - input is not a terminal or the right kind of file\n');
  const start: ExecStart = {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    container: chooseContainer(pod, flags.container, (text) => ctx.err(text)),
    command,
    stdin: Boolean(flags.stdin),
    tty,
  };
  const client = await ctx.client();
  const session = await client.exec(start, flags.stdin ? { stdin } : {});
  session.stdout.pipe(ctx.io.stdout, { end: false });
  session.stderr.pipe(tty ? ctx.io.stdout : ctx.io.stderr, { end: false });
  const onResize = (): void => session.resize(stdout.columns ?? 80, stdout.rows ?? 24);
  if (tty) {
    stdin.setRawMode(true);
    onResize();
    stdout.on('resize', onResize);
  }
  try {
    const code = await session.exitCode;
    await Promise.all([drained(session.stdout), drained(session.stderr)]);
    if (code !== 0) ctx.err(`command terminated with exit code ${code}\n`);
    return code;
  } finally {
    if (tty) {
      stdout.off('resize', onResize);
      stdin.setRawMode(false);
    }
    if (flags.stdin) stdin.pause();
  }
}

function drained(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    if ((stream as { readableEnded?: boolean }).readableEnded) resolve();
    else stream.once('end', () => resolve());
  });
}

export function execCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('exec')
    .description('Execute a command in a container')
    .usage('[-i] [-t] [-c CONTAINER] POD -- COMMAND [args...]')
    .argument('<pod>', 'POD or TYPE/NAME')
    .argument('[command...]', 'the command and its arguments, after --')
    .option('-i, --stdin', "pass stdin to the container")
    .option('-t, --tty', 'stdin is a TTY')
    .option('-c, --container <name>', 'the container to run the command in')
    .action(verbAction(deps, (ctx, args, cmd) => runExec(ctx, args[0] as string, args[1] as string[], cmd.opts<ExecFlags>())));
}
