import type Docker from 'dockerode';
import { PassThrough, Readable, Transform, Writable, type Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecOptions, ExecResult, ExecSession, LogOptions } from './types.js';

/** Kubernetes keeps at most this much of a probe's output. */
const MAX_EXEC_OUTPUT_BYTES = 10 * 1024;
const EXIT_CODE_POLLS = 40;
const EXIT_CODE_POLL_MS = 25;

/**
 * A container's log as one byte stream, stdout and stderr interleaved as written. Without a TTY
 * Docker multiplexes both into framed chunks; demuxStream unpacks them.
 */
export async function containerLogs(docker: Docker, containerId: string, options: LogOptions = {}): Promise<Readable> {
  const container = docker.getContainer(containerId);
  const info = await container.inspect();
  const query = {
    stdout: true,
    stderr: true,
    timestamps: Boolean(options.timestamps),
    ...(options.tailLines !== undefined && { tail: options.tailLines }),
    ...(options.sinceSeconds !== undefined && { since: options.sinceSeconds }),
  };
  const source: Readable = options.follow
    ? ((await container.logs({ ...query, follow: true })) as unknown as Readable)
    : Readable.from([(await container.logs({ ...query, follow: false })) as Buffer]);
  const out = new PassThrough();
  if (info.Config.Tty) {
    source.pipe(out);
  } else {
    docker.modem.demuxStream(source, out, out);
    source.once('end', () => out.end());
  }
  source.once('error', (err) => out.destroy(err));
  // A client that stops reading a followed log must not leave Docker's stream open.
  out.once('close', () => source.destroy());
  return options.limitBytes !== undefined ? out.pipe(limitBytes(options.limitBytes, () => source.destroy())) : out;
}

function limitBytes(limit: number, onLimit: () => void): Transform {
  let left = limit;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (left <= 0) return callback();
      const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
      left -= part.length;
      this.push(part);
      if (left <= 0) {
        this.push(null);
        onLimit();
      }
      callback();
    },
  });
}

/** An interactive exec: stdin is half-closed when the caller ends it, as `kubectl exec -i` does. */
export async function execInContainer(
  docker: Docker,
  containerId: string,
  command: string[],
  options: ExecOptions = {},
): Promise<ExecSession> {
  const tty = Boolean(options.tty);
  const withStdin = Boolean(options.stdin);
  const exec = await docker.getContainer(containerId).exec({
    Cmd: command,
    AttachStdin: withStdin,
    AttachStdout: true,
    AttachStderr: true,
    Tty: tty,
    ...(options.env && { Env: options.env }),
  });
  const socket = (await exec.start({ hijack: true, stdin: withStdin, Tty: tty })) as Duplex;
  return streamSession(docker, socket, {
    tty,
    withStdin,
    exitCode: () => readExitCode(exec),
    resize: async ({ width, height }) => {
      await exec.resize({ w: width, h: height });
    },
  });
}

/**
 * Attaches to a container's main process, as `kubectl attach` does: its output from now on, and
 * its stdin when the container keeps one open (stdin: true). Whether output is multiplexed follows
 * the container's own TTY setting. The exit code is the container's once it has stopped, else 0
 * (the caller detached from a process that goes on).
 */
export async function attachToContainer(docker: Docker, containerId: string, options: ExecOptions = {}): Promise<ExecSession> {
  const container = docker.getContainer(containerId);
  const info = await container.inspect();
  const tty = Boolean(info.Config.Tty);
  const withStdin = Boolean(options.stdin) && Boolean(info.Config.OpenStdin);
  const socket = (await container.attach({ stream: true, stdin: withStdin, stdout: true, stderr: true, hijack: true })) as unknown as Duplex;
  return streamSession(docker, socket, {
    tty,
    withStdin,
    exitCode: async () => {
      // The stream ends as the process exits; Docker may report the stop a moment later.
      for (let i = 0; i < EXIT_CODE_POLLS; i++) {
        const state = (await container.inspect()).State;
        if (!state.Running) return state.ExitCode;
        await sleep(EXIT_CODE_POLL_MS);
      }
      return 0;
    },
    resize: async ({ width, height }) => {
      await container.resize({ w: width, h: height });
    },
  });
}

interface StreamSessionOptions {
  tty: boolean;
  withStdin: boolean;
  exitCode: () => Promise<number>;
  resize: ExecSession['resize'];
}

/** A hijacked Docker stream (exec or attach) as a session: demuxed output, stdin with half-close, the exit code once output ends. */
function streamSession(docker: Docker, socket: Duplex, options: StreamSessionOptions): ExecSession {
  const { tty, withStdin } = options;
  const stdout = new PassThrough();
  const stderr = tty ? null : new PassThrough();
  const endOutputs = () => {
    stdout.end();
    stderr?.end();
  };
  if (tty) socket.on('data', (chunk: Buffer) => stdout.write(chunk));
  else docker.modem.demuxStream(socket, stdout, stderr as PassThrough);
  socket.once('end', endOutputs);
  socket.once('close', endOutputs);
  socket.once('error', (err) => {
    stdout.destroy(err);
    stderr?.destroy(err);
  });

  const stdin = withStdin
    ? new Writable({
        write(chunk: Buffer, _encoding, callback) {
          socket.write(chunk, (err) => callback(err ?? null));
        },
        final(callback) {
          socket.end();
          callback();
        },
      })
    : null;

  const exitCode = new Promise<number>((resolve, reject) => {
    stdout.once('end', () => {
      options.exitCode().then(resolve, reject);
    });
    stdout.once('error', reject);
  });
  exitCode.catch(() => undefined);

  return {
    stdin,
    stdout,
    stderr,
    resize: options.resize,
    exitCode,
    close: () => socket.destroy(),
  };
}

async function readExitCode(exec: Docker.Exec): Promise<number> {
  for (let i = 0; i < EXIT_CODE_POLLS; i++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await sleep(EXIT_CODE_POLL_MS);
  }
  throw new Error(`exec ${exec.id} did not report an exit code`);
}

/** Runs a command to completion for a probe; output is cut to MAX_EXEC_OUTPUT_BYTES. */
export async function runInContainer(docker: Docker, containerId: string, command: string[], timeoutMs: number): Promise<ExecResult> {
  const session = await execInContainer(docker, containerId, command);
  const chunks: Buffer[] = [];
  let size = 0;
  const collect = (chunk: Buffer) => {
    if (size >= MAX_EXEC_OUTPUT_BYTES) return;
    const part = chunk.subarray(0, MAX_EXEC_OUTPUT_BYTES - size);
    chunks.push(part);
    size += part.length;
  };
  session.stdout.on('data', collect);
  session.stderr?.on('data', collect);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([session.exitCode, timeout]);
    const output = Buffer.concat(chunks).toString('utf8');
    if (outcome === 'timeout') {
      session.close();
      return { exitCode: -1, output, timedOut: true };
    }
    return { exitCode: outcome, output, timedOut: false };
  } finally {
    clearTimeout(timer);
  }
}
