import { Command } from 'commander';
import type { ReadStream, WriteStream } from 'node:tty';
import type { ExecStart, Pod } from '../../lib/api/generated/index.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { chooseContainer } from '../pods.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import { resolvePod } from './logs.js';

export interface ExecFlags {
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
  return runSession(ctx, pod, command, flags);
}

/** `kubets attach`: the output (and with -i the stdin) of a container's main process. */
async function runAttach(ctx: CliContext, target: string, flags: ExecFlags): Promise<number> {
  const pod = await resolvePod(ctx, target);
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
    throw new CliError(`cannot attach a container in a completed pod; current phase is ${pod.status.phase}`);
  }
  return attachToPod(ctx, pod, flags);
}

/** Attaches to a pod's container; also what `kubets run -i/-t/--attach` ends with. */
export function attachToPod(ctx: CliContext, pod: Pod, flags: ExecFlags): Promise<number> {
  if (flags.stdin || flags.tty) ctx.err("If you don't see a command prompt, try pressing enter.\n");
  return runSession(ctx, pod, undefined, flags);
}

/**
 * Drives an exec (with a command) or an attach (without): our stdin to the process with -i, the
 * terminal in raw mode and its size followed with -t, the process's output to ours.
 */
async function runSession(ctx: CliContext, pod: Pod, command: string[] | undefined, flags: ExecFlags): Promise<number> {
  const stdin = ctx.io.stdin as ReadStream;
  const stdout = ctx.io.stdout as WriteStream;
  const wantTty = Boolean(flags.tty);
  const tty = wantTty && Boolean(flags.stdin) && Boolean(stdin.isTTY);
  if (wantTty && !tty) ctx.err('Unable to use a TTY - input is not a terminal or the right kind of file\n');
  const start: ExecStart = {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    container: chooseContainer(pod, flags.container, (text) => ctx.err(text)),
    command: command ?? [],
    stdin: Boolean(flags.stdin),
    tty,
  };
  const client = await ctx.client();
  const options = flags.stdin ? { stdin } : {};
  const session = command ? await client.exec(start, options) : await client.attach(start, options);
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

export function attachCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('attach')
    .description('Attach to a running container')
    .usage('[-i] [-t] [-c CONTAINER] POD')
    .argument('<pod>', 'POD or TYPE/NAME')
    .option('-i, --stdin', 'pass stdin to the container (it must have been created with stdin: true)')
    .option('-t, --tty', 'stdin is a TTY')
    .option('-c, --container <name>', 'the container to attach to')
    .action(verbAction(deps, (ctx, args, cmd) => runAttach(ctx, args[0] as string, cmd.opts<ExecFlags>())));
}
