import { Readable, Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import type { ApiClient } from '../../lib/client/client.js';
import { registerClientCommands } from '../commands/index.js';

// Runs a verb in-process the way `kubets` would, against a client the test made (for example of
// the in-memory fake apiserver), capturing what it prints and its exit code.

interface VerbRun {
  stdout: string;
  stderr: string;
  code: number;
}

class Collector extends Writable {
  text = '';

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export async function runVerb(
  argv: string[],
  opts: { client: ApiClient; namespace?: string; stdin?: string; env?: Record<string, string>; signal?: AbortSignal },
): Promise<VerbRun> {
  const stdout = new Collector();
  const stderr = new Collector();
  const io = { stdout, stderr, stdin: Readable.from(opts.stdin === undefined ? [] : [opts.stdin]), env: opts.env ?? {}, ...(opts.signal ? { signal: opts.signal } : {}) };
  const program = new Command('kubets')
    .exitOverride()
    .configureOutput({ writeOut: (s) => stdout.write(s), writeErr: (s) => stderr.write(s) });
  registerClientCommands(program, { io: () => io, connection: () => ({ client: opts.client, namespace: opts.namespace ?? 'default' }) });
  let code = 0;
  try {
    await program.parseAsync(['node', 'kubets', ...argv]);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    code = err.exitCode;
  }
  return { stdout: stdout.text, stderr: stderr.text, code };
}
