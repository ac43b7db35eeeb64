import { CommanderError, type Command } from 'commander';

// Mistakes on the command line answered in kubectl's words (cobra's), which scripts and users
// know, instead of commander's: `error: unknown flag: --x` and where to read the usage.

/** `kubets rollout`: the command's path from the program down. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = current;
  }
  return previous[b.length]!;
}

/** cobra's suggestions: commands at most two edits away, or starting with what was typed. */
function suggestions(command: Command, typed: string): string[] {
  const lower = typed.toLowerCase();
  return command.commands.map((c) => c.name()).filter((name) => editDistance(lower, name.toLowerCase()) <= 2 || name.toLowerCase().startsWith(lower));
}

/** commander's error text in kubectl's wording; other errors as they are. */
export function kubectlWording(command: Command, text: string): string {
  const path = commandPath(command);
  const option = /^error: unknown option '([^']*)'/.exec(text);
  if (option) {
    const flag = option[1]!.replace(/=.*$/s, '');
    const what = flag.startsWith('--') ? `unknown flag: ${flag}` : `unknown shorthand flag: '${flag.charAt(1)}' in ${option[1]}`;
    return `error: ${what}\nSee '${path} --help' for usage.\n`;
  }
  const unknown = /^error: unknown command '([^']*)'/.exec(text);
  if (unknown) {
    const name = unknown[1]!;
    if (command.parent) return `error: unknown command "${name}"\nSee '${path} -h' for help and examples\n`;
    const similar = suggestions(command, name);
    const hint = similar.length > 0 ? `\n\nDid you mean this?\n${similar.map((s) => `\t${s}\n`).join('')}` : '\n';
    return `error: unknown command "${name}" for "${path}"${hint}`;
  }
  return text;
}

/** Makes `command` report command-line mistakes as kubectl does (its subcommands get it through inherit). */
export function useKubectlErrors(command: Command): Command {
  return command.configureOutput({ outputError: (text, write) => write(kubectlWording(command, text)) });
}

/**
 * A command-line mistake or help that commander has already reported. The daemons' and
 * local-cluster commands load commander from node_modules, not from the client's bundle, so
 * their errors are another class of the same name.
 */
export function isCommanderError(err: unknown): err is CommanderError {
  return err instanceof CommanderError || (err instanceof Error && err.name === 'CommanderError');
}
