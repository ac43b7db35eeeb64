import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { isCommanderError, kubectlWording } from './kubectl-errors.js';
import { runVerb } from './testing/run-verb.js';

function program(): { root: Command; rollout: Command } {
  const root = new Command('kubets');
  for (const name of ['get', 'describe', 'set', 'rollout']) root.command(name);
  return { root, rollout: root.commands.find((c) => c.name() === 'rollout')! };
}

describe("kubectl's wording for command-line mistakes", () => {
  const { root, rollout } = program();
  const get = root.commands[0]!;

  it.each([
    [get, "error: unknown option '--x'", "error: unknown flag: --x\nSee 'kubets get --help' for usage.\n"],
    [get, "error: unknown option '--x=1'\n(Did you mean --y?)", "error: unknown flag: --x\nSee 'kubets get --help' for usage.\n"],
    [get, "error: unknown option '-zq'", "error: unknown shorthand flag: 'z' in -zq\nSee 'kubets get --help' for usage.\n"],
    [root, "error: unknown command 'gett'\n(Did you mean get?)", 'error: unknown command "gett" for "kubets"\n\nDid you mean this?\n\tget\n\tset\n'],
    [root, "error: unknown command 'xyzzy'", 'error: unknown command "xyzzy" for "kubets"\n'],
    [rollout, "error: unknown command 'foo'", 'error: unknown command "foo"\nSee \'kubets rollout -h\' for help and examples\n'],
    [get, "error: missing required argument 'name'\n", "error: missing required argument 'name'\n"],
  ])('%#: %s', (command, text, expected) => {
    expect(kubectlWording(command, text)).toBe(expected);
  });

  it('is what a verb prints, with exit code 1', async () => {
    const run = await runVerb(['get', 'pods', '--bogus'], {});
    expect(run.stderr).toBe("error: unknown flag: --bogus\nSee 'kubets get --help' for usage.\n");
    expect(run.code).toBe(1);
  });
});

describe('isCommanderError', () => {
  it("knows commander's errors from another copy of commander by their name", () => {
    class CommanderError extends Error {
      override name = 'CommanderError';
      exitCode = 0;
    }
    expect(isCommanderError(new CommanderError('(outputHelp)'))).toBe(true);
    expect(isCommanderError(new Error('no apiserver reachable'))).toBe(false);
    expect(isCommanderError('text')).toBe(false);
  });
});
