import type { Command, Option } from 'commander';

// What shell completion knows about kubets, read from commander's command tree so it follows
// every verb and flag as they are defined.

export interface CompletionNode {
  /** The command words from the program down to this command (empty for the program itself). */
  path: string[];
  subcommands: string[];
  /** Every flag spelling this command accepts, its ancestors' (kubectl's global flags) included. */
  flags: string[];
  /** Flags that take their value as the next word, with the values they allow (empty: any). */
  valueFlags: Map<string, string[]>;
  /** Whether the first argument is a resource type (`kubets get TYPE`). */
  takesResourceType: boolean;
}

function spellings(option: Option): string[] {
  return [option.short, option.long].filter((s): s is string => s !== undefined);
}

/** The program and every command under it, parents first. */
export function completionTree(program: Command): CompletionNode[] {
  const nodes: CompletionNode[] = [];
  const visit = (command: Command, path: string[], inherited: readonly Option[]): void => {
    const help = command.createHelp();
    const options = [...inherited, ...help.visibleOptions(command)];
    const valueFlags = new Map<string, string[]>();
    for (const option of options.filter((o) => o.required)) {
      for (const flag of spellings(option)) valueFlags.set(flag, option.argChoices ?? []);
    }
    const subcommands = help.visibleCommands(command);
    const first = command.registeredArguments[0];
    nodes.push({
      path,
      subcommands: subcommands.map((c) => c.name()),
      flags: [...new Set(options.flatMap(spellings))],
      valueFlags,
      // Verbs document a resource argument as TYPE NAME..., TYPE/NAME... or TYPE.field.
      takesResourceType: first?.description.startsWith('TYPE') ?? false,
    });
    const passed = options.filter((o) => !o.long || o.long !== '--help');
    for (const sub of subcommands) visit(sub, [...path, sub.name()], passed);
  };
  visit(program, [], []);
  return nodes;
}
