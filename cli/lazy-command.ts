import { Command } from 'commander';
import { useKubectlErrors } from './kubectl-errors.js';

// kubets is one binary for the daemons and kubectl's verbs. Loading every command's code on each
// start costs most of a second (etcd, Docker and iptables clients, the schema), so a command can
// be registered by name and summary and load its code only when it runs.

/**
 * Commands added with addCommand do not inherit exitOverride and output settings; ours should,
 * and report command-line mistakes in kubectl's words naming themselves.
 */
export function inherit(command: Command, parent: Command): Command {
  // A command whose own options may only come before its subcommands (`create -f --dry-run`,
  // `create job --dry-run`) keeps that, which copying the parent's settings would undo.
  const positional = (command as unknown as { _enablePositionalOptions: boolean })._enablePositionalOptions;
  command.copyInheritedSettings(parent);
  if (positional) command.enablePositionalOptions();
  useKubectlErrors(command);
  for (const sub of command.commands) inherit(sub, command);
  return command;
}

const loaders = new WeakMap<Command, () => Promise<Command>>();

/**
 * A stand-in for a command that `load` builds on demand. When the stand-in runs, the real command
 * takes its place under the same parent (so global flags and inherited settings reach it) and
 * parses the arguments the stand-in received, `--help` included.
 */
export function lazyCommand(name: string, summary: string, load: () => Promise<Command>): Command {
  const stub = new Command(name)
    .description(summary)
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_options: unknown, self: Command) => {
      await (await loaded(self)).parseAsync(withDoubleDash(self), { from: 'user' });
    });
  loaders.set(stub, load);
  return stub;
}

/**
 * The stand-in's arguments with the `--` the user typed put back: unless a flag unknown to the
 * program came first, commander drops it while it hands everything after it on as plain
 * arguments, and the real command, parsing them anew, would read `exec pod -- nc -w 3`'s `-w` as
 * its own flag.
 */
function withDoubleDash(stub: Command): string[] {
  let root = stub;
  while (root.parent) root = root.parent;
  // commander keeps what it was given in rawArgs but leaves the field out of its types.
  const raw = (root as unknown as { rawArgs: string[] }).rawArgs;
  const at = raw.indexOf('--');
  if (at < 0 || stub.args.includes('--')) return stub.args;
  const tail = raw.slice(at + 1);
  const head = stub.args.slice(0, stub.args.length - tail.length);
  const endsWithTail = tail.every((arg, i) => stub.args[head.length + i] === arg);
  return endsWithTail ? [...head, '--', ...tail] : stub.args;
}

/** The real command behind a stand-in, put in its place; any other command as it is. */
export async function loaded(command: Command): Promise<Command> {
  const load = loaders.get(command);
  const parent = command.parent;
  if (!load || !parent) return command;
  const real = inherit(await load(), parent);
  const siblings = parent.commands as Command[];
  siblings.splice(siblings.indexOf(command), 1, real);
  real.parent = parent;
  return real;
}

/** Loads every stand-in under `program`, for what needs the whole tree (shell completion). */
export async function loadAll(program: Command): Promise<void> {
  for (const command of [...program.commands]) await loaded(command);
}

/**
 * `kubets help <command> [subcommand...]`: commander's own help command would print a stand-in's
 * help, so this one loads the command first.
 */
export function helpCommand(): Command {
  return new Command('help')
    .description('display help for command')
    .argument('[command...]', 'the command (and subcommands) to describe')
    .action(async (names: string[], _options: unknown, self: Command) => {
      let target = self.parent!;
      for (const name of names) {
        const next = target.commands.find((c) => c.name() === name || c.aliases().includes(name));
        if (!next) return target.help({ error: true });
        target = await loaded(next);
      }
      target.help();
    });
}
