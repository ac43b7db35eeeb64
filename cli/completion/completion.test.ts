import { execFileSync } from 'node:child_process';
import { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerClientCommands } from '../commands/index.js';
import { lazyCommand, loadAll } from '../lazy-command.js';
import { completionTree, type CompletionNode } from './command-tree.js';
import { bashCompletion, zshCompletion } from './scripts.js';

const TYPES = ['deployments', 'pods', 'services'];

async function kubetsTree(): Promise<CompletionNode[]> {
  const program = new Command('kubets').option('--client-version', 'print the client version');
  program.addCommand(lazyCommand('scheduler', 'Run the scheduler', async () => new Command('scheduler').option('--kubeconfig <file>', 'client config')));
  registerClientCommands(program);
  await loadAll(program);
  return completionTree(program);
}

/** What bash offers after the words typed so far (the last one being completed). */
function complete(script: string, line: string): string[] {
  const words = line.split(' ');
  const program = `${script}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})
COMP_CWORD=${words.length - 1}
_kubets
printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['--norc', '-c', program], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('shell completion', () => {
  let nodes: CompletionNode[];
  let bash: string;
  beforeAll(async () => {
    nodes = await kubetsTree();
    bash = bashCompletion(nodes, TYPES);
  });

  it('reads verbs, subcommands, flags and resource arguments from the command tree', () => {
    const root = nodes.find((n) => n.path.length === 0)!;
    expect(root.subcommands).toEqual(expect.arrayContaining(['scheduler', 'get', 'rollout', 'explain']));
    const get = nodes.find((n) => n.path.join(' ') === 'get')!;
    expect(get.flags).toEqual(expect.arrayContaining(['-o', '--output', '-l', '--selector', '-n', '--namespace', '--client-version']));
    expect(get.valueFlags.has('--output')).toBe(true);
    expect(get.takesResourceType).toBe(true);
    expect(nodes.find((n) => n.path.join(' ') === 'rollout history')?.flags).toContain('--revision');
    expect(nodes.find((n) => n.path.join(' ') === 'logs')?.takesResourceType).toBe(false);
  });

  it('completes verbs and the daemons that load lazily', () => {
    expect(complete(bash, 'kubets ')).toEqual(expect.arrayContaining(['get', 'describe', 'scheduler', 'rollout']));
    expect(complete(bash, 'kubets ro')).toEqual(['rollout', 'rolling-update']);
    expect(complete(bash, 'kubets rollout ')).toEqual(['status', 'history', 'undo', 'pause', 'resume', 'help']);
  });

  it('completes resource types after a verb that takes them, skipping flags and their values', () => {
    expect(complete(bash, 'kubets get ')).toEqual(TYPES);
    expect(complete(bash, 'kubets get po')).toEqual(['pods']);
    expect(complete(bash, 'kubets -n kube-system describe de')).toEqual(['deployments']);
    expect(complete(bash, 'kubets get pods ')).toEqual([]);
    expect(complete(bash, 'kubets logs ')).toEqual([]);
  });

  it('completes flags and the values a flag allows', () => {
    expect(complete(bash, 'kubets get --sel')).toEqual(['--selector']);
    expect(complete(bash, 'kubets scheduler --kube')).toEqual(['--kubeconfig']);
    expect(complete(bash, 'kubets version -o ')).toEqual(['json', 'yaml']);
    expect(complete(bash, 'kubets version --output = y')).toEqual(['yaml']);
    expect(complete(bash, 'kubets get -n ')).toEqual([]);
  });

  it('registers for kubets in bash and zsh', () => {
    expect(bash).toMatch(/^complete -o default -F _kubets kubets$/m);
    const zsh = zshCompletion(nodes, TYPES);
    expect(zsh.startsWith('#compdef kubets\n')).toBe(true);
    expect(zsh).toContain('bashcompinit');
    expect(zsh).toContain(bash);
  });
});
