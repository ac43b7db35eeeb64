import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { helpCommand, inherit, lazyCommand } from './lazy-command.js';

interface Seen {
  loads: number;
  runs: Array<{ pods: string[]; replicas: string; namespace: string | undefined }>;
}

/** A program with one global flag and a lazily loaded `scale` whose loads and runs are recorded. */
function program(seen: Seen, output: string[]): Command {
  const root = new Command('kubets')
    .exitOverride()
    .helpCommand(false)
    .configureOutput({ writeOut: (s) => output.push(s), writeErr: (s) => output.push(s) })
    .option('-n, --namespace <ns>', 'namespace');
  root.addCommand(
    lazyCommand('scale', 'Set a new size', async () => {
      seen.loads++;
      return new Command('scale')
        .description('Set a new size for a workload, in full')
        .argument('<pods...>')
        .requiredOption('--replicas <n>', 'replicas')
        .action((pods: string[], options: { replicas: string }, self: Command) => {
          seen.runs.push({ pods, replicas: options.replicas, namespace: self.optsWithGlobals<{ namespace?: string }>().namespace });
        });
    }),
  );
  root.addCommand(inherit(helpCommand(), root));
  return root;
}

async function run(root: Command, argv: string[]): Promise<number> {
  try {
    await root.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
}

describe('lazy commands', () => {
  it('pass what follows -- on as arguments, not as flags', async () => {
    const seen: Seen = { loads: 0, runs: [] };
    expect(await run(program(seen, []), ['scale', '--replicas', '1', 'web', '--', '--replicas', '5', '-n'])).toBe(0);
    expect(await run(program(seen, []), ['scale', 'web', '--', '--replicas', '5'])).not.toBe(0);
    expect(await run(program(seen, []), ['scale', 'db', '--replicas=2', '--', 'x', '-n'])).toBe(0);
    expect(seen.runs).toEqual([
      { pods: ['web', '--replicas', '5', '-n'], replicas: '1', namespace: undefined },
      { pods: ['db', 'x', '-n'], replicas: '2', namespace: undefined },
    ]);
  });

  it('are listed by summary without loading', async () => {
    const seen: Seen = { loads: 0, runs: [] };
    const output: string[] = [];
    expect(await run(program(seen, output), ['--help'])).toBe(0);
    expect(output.join('')).toMatch(/scale\s+Set a new size\n/);
    expect(seen.loads).toBe(0);
  });

  it('load when they run and get every argument and the global flags, wherever they were given', async () => {
    const seen: Seen = { loads: 0, runs: [] };
    expect(await run(program(seen, []), ['-n', 'prod', 'scale', 'web', '--replicas', '3', 'db'])).toBe(0);
    expect(await run(program(seen, []), ['scale', '--replicas=2', 'web', '-n', 'dev'])).toBe(0);
    expect(seen.loads).toBe(2);
    expect(seen.runs).toEqual([
      { pods: ['web', 'db'], replicas: '3', namespace: 'prod' },
      { pods: ['web'], replicas: '2', namespace: 'dev' },
    ]);
  });

  it('report errors and help as the real command', async () => {
    const seen: Seen = { loads: 0, runs: [] };
    const output: string[] = [];
    expect(await run(program(seen, output), ['scale', 'web'])).toBe(1);
    expect(output.join('')).toContain("error: required option '--replicas <n>' not specified");
    output.length = 0;
    expect(await run(program(seen, output), ['scale', '--help'])).toBe(0);
    expect(output.join('')).toContain('Usage: kubets scale [options] <pods...>');
    output.length = 0;
    expect(await run(program(seen, output), ['help', 'scale'])).toBe(0);
    expect(output.join('')).toContain('Set a new size for a workload, in full');
    expect(seen.runs).toEqual([]);
  });
});
