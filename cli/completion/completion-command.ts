import { Argument, Command } from 'commander';
import { resources } from '../../lib/api/resources.js';
import { loadAll } from '../lazy-command.js';
import { completionTree } from './command-tree.js';
import { bashCompletion, zshCompletion } from './scripts.js';

const SCRIPTS = { bash: bashCompletion, zsh: zshCompletion };

/** `kubets completion bash|zsh`: the shell completion script for the whole command tree. */
export function completionCommand(): Command {
  return new Command('completion')
    .description('Output shell completion code for bash or zsh (verbs, flags, flag values and resource types)')
    .addArgument(new Argument('<shell>', 'the shell').choices(Object.keys(SCRIPTS)))
    .action(async (shell: keyof typeof SCRIPTS, _options: unknown, self: Command) => {
      const program = self.parent!;
      await loadAll(program);
      const types = [...new Set(resources.map((r) => r.resource))].sort();
      process.stdout.write(SCRIPTS[shell](completionTree(program), types));
    });
}
