import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { basename, dirname, posix, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { Command } from 'commander';
import type { ApiClient } from '../../lib/client/client.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { chooseContainer } from '../pods.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

// kubectl cp: files go through tar on both ends, as kubectl does it: `tar cf -` on the side that
// has them, streamed over exec, `tar xf -` on the other. The local tar (GNU tar) renames the top
// entry with --transform when the destination names a new file or directory.

interface CpFlags {
  container?: string;
}

interface RemoteSpec {
  namespace?: string;
  pod: string;
  path: string;
}

/** `[namespace/]pod:path`, or undefined for a local path. */
export function parseRemoteSpec(arg: string): RemoteSpec | undefined {
  const colon = arg.indexOf(':');
  if (colon <= 0) return undefined;
  const podPart = arg.slice(0, colon);
  const path = arg.slice(colon + 1);
  if (path === '') throw new CliError('filepath can not be empty');
  const slash = podPart.indexOf('/');
  return slash < 0 ? { pod: podPart, path } : { namespace: podPart.slice(0, slash), pod: podPart.slice(slash + 1), path };
}

/** GNU tar --transform options renaming the top entry `from` (and what is under it) to `to`; never symlink targets. */
export function renameTransforms(from: string, to: string): string[] {
  if (from === to) return [];
  const pattern = from.replace(/[\\^$.*[\],]/g, '\\$&');
  const replacement = to.replace(/[\\&,]/g, '\\$&');
  return [`--transform=s,^${pattern}$,${replacement},S`, `--transform=s,^${pattern}/,${replacement}/,S`];
}

interface ExecResult {
  code: number;
  stderr: string;
}

class RemoteCopy {
  constructor(
    private readonly client: ApiClient,
    private readonly namespace: string,
    private readonly pod: string,
    private readonly container: string,
  ) {}

  /** Runs a command in the container; its stdout goes to `stdout` when given. */
  async run(command: string[], io: { stdin?: Readable; stdout?: NodeJS.WritableStream } = {}): Promise<ExecResult> {
    const session = await this.client.exec(
      { namespace: this.namespace, name: this.pod, container: this.container, command, stdin: Boolean(io.stdin), tty: false },
      io.stdin ? { stdin: io.stdin } : {},
    );
    let stderr = '';
    session.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    if (io.stdout) session.stdout.pipe(io.stdout);
    else session.stdout.resume();
    return { code: await session.exitCode, stderr };
  }

  async isDirectory(path: string): Promise<boolean> {
    return (await this.run(['test', '-d', path])).code === 0;
  }
}

/** Runs the local tar; resolves when it exits successfully. */
function localTar(args: string[]): { process: ReturnType<typeof spawn>; done: Promise<void> } {
  const child = spawn('tar', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<void>((resolvePromise, reject) => {
    child.on('error', (err) => reject(new CliError(`cannot run tar: ${err.message}`)));
    child.on('close', (code) => (code === 0 ? resolvePromise() : reject(new CliError(stderr.trim() || `tar exited with code ${code}`))));
  });
  return { process: child, done };
}

function remoteFailure(result: ExecResult): CliError {
  return new CliError(result.stderr.trim() || `command terminated with exit code ${result.code}`);
}

async function copyToPod(remote: RemoteCopy, source: string, dest: string): Promise<void> {
  const src = resolve(source);
  await stat(src).catch(() => {
    throw new CliError(`${source} doesn't exist in local filesystem`);
  });
  const intoDir = dest.endsWith('/') || (await remote.isDirectory(dest));
  const destDir = intoDir ? dest : posix.dirname(dest);
  const destName = intoDir ? basename(src) : posix.basename(dest);
  const tar = localTar(['cf', '-', '-C', dirname(src), ...renameTransforms(basename(src), destName), basename(src)]);
  tar.process.stdin!.end();
  const [result] = await Promise.all([remote.run(['tar', 'xf', '-', '-C', destDir], { stdin: tar.process.stdout! }), tar.done]);
  if (result.code !== 0) throw remoteFailure(result);
}

async function copyFromPod(remote: RemoteCopy, source: string, dest: string): Promise<void> {
  const local = resolve(dest);
  const existing = await stat(local).catch(() => undefined);
  const intoDir = existing?.isDirectory() ?? false;
  const srcName = posix.basename(source);
  const target = intoDir ? local : dirname(local);
  const rename = intoDir ? [] : renameTransforms(srcName, basename(local));
  // GNU tar refuses members with `..` and strips leading slashes, so a container cannot write outside the target.
  const tar = localTar(['xf', '-', '-C', target, '--no-same-owner', ...rename]);
  const result = await remote.run(['tar', 'cf', '-', '-C', posix.dirname(source), srcName], { stdout: tar.process.stdin! });
  if (result.code !== 0) {
    tar.process.kill();
    await tar.done.catch(() => undefined);
    throw remoteFailure(result);
  }
  await tar.done;
}

async function runCp(ctx: CliContext, source: string, dest: string, flags: CpFlags): Promise<number> {
  const from = parseRemoteSpec(source);
  const to = parseRemoteSpec(dest);
  if (from && to) throw new CliError('one of src or dest must be a local file specification');
  if (!from && !to) throw new CliError('one of src or dest must be a remote file specification');
  const spec = (from ?? to)!;
  const client = await ctx.client();
  const namespace = spec.namespace ?? (await ctx.namespace());
  const pod = await client.resource('pod').get(namespace, spec.pod);
  const remote = new RemoteCopy(client, namespace, spec.pod, chooseContainer(pod, flags.container, (text) => ctx.err(text)));
  if (from) await copyFromPod(remote, from.path, dest);
  else await copyToPod(remote, source, to!.path);
  return 0;
}

export function cpCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('cp')
    .description('Copy files and directories to and from containers')
    .argument('<src>', 'a local path, or [namespace/]pod:path')
    .argument('<dest>', 'a local path, or [namespace/]pod:path')
    .option('-c, --container <name>', 'the container (default: the pod\'s first, or its default-container annotation)')
    .action(verbAction(deps, (ctx, args, cmd) => runCp(ctx, args[0] as string, args[1] as string, cmd.opts<CpFlags>())));
}
