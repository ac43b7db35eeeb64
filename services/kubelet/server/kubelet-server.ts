import { once } from 'node:events';
import type { Readable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { pino, type Logger } from 'pino';
import { ApiError, badRequest, toServiceError } from '../../../lib/api/errors.js';
import type { KubeletHandlers } from '../../../lib/api/generated/kubets/v1/Kubelet.js';
import type { ExecFrame, ExecStart, LogsRequest, Summary } from '../../../lib/api/generated/index.js';
import type { ExecFrame__Output } from '../../../lib/api/generated/kubets/v1/ExecFrame.js';
import { packageDefinition } from '../../../lib/api/proto.js';
import { shutdownGracefully } from '../../../lib/grpc-shutdown.js';
import { ContainerNotFoundError, dockerMessage, dockerStatusCode } from '../runtime/errors.js';
import type { ContainerRuntime, ExecSession } from '../runtime/types.js';
import { resolveContainer, type PodFinder } from './container-lookup.js';
import { firstFrame } from './first-frame.js';
import { runPortForward } from './port-forward.js';
import { requireApiserver } from './peer-identity.js';

export interface KubeletServerTls {
  certPem: string | Buffer;
  keyPem: string | Buffer;
  /** Client certificates must be signed by this CA (the cluster CA). */
  clientCaPem: string | Buffer;
}

interface KubeletServerOptions {
  /** Address to listen on. */
  address: string;
  /** 0 picks a free port. */
  port: number;
  tls: KubeletServerTls;
  findPod: PodFinder;
  runtime: ContainerRuntime;
  /** The node's and its containers' resource usage over the last sampling window. */
  summary: () => Summary;
  log?: Logger;
}

export interface RunningKubeletServer {
  port: number;
  stop(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 2_000;

/**
 * The kubelet's own API (kubets.v1.Kubelet): container logs and exec for the apiserver, which
 * proxies the pods/log and pods/exec subresources here, and the resource usage summary behind the
 * metrics API. mTLS with the cluster CA, and only the
 * apiserver's kubelet-client identity is served.
 */
export async function startKubeletServer(options: KubeletServerOptions): Promise<RunningKubeletServer> {
  const log = (options.log ?? pino({ level: 'silent' })).child({ part: 'kubelet-server' });
  const server = new grpc.Server();
  server.addService(packageDefinition['kubets.v1.Kubelet'] as grpc.ServiceDefinition, handlers(options, log));
  const creds = grpc.ServerCredentials.createSsl(
    Buffer.from(options.tls.clientCaPem),
    [{ cert_chain: Buffer.from(options.tls.certPem), private_key: Buffer.from(options.tls.keyPem) }],
    true,
  );
  const host = options.address.includes(':') ? `[${options.address}]` : options.address;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port}`, creds, (err, p) => (err ? reject(err) : resolve(p))),
  );
  log.info({ address: options.address, port }, 'kubelet API serving');
  return {
    port,
    stop: () => shutdownGracefully(server, SHUTDOWN_GRACE_MS),
  };
}

function handlers(options: KubeletServerOptions, log: Logger): KubeletHandlers {
  return {
    Logs: (call) => {
      let cancelled = false;
      call.once('cancelled', () => (cancelled = true));
      streamLogs(call, options, () => cancelled).then(
        () => call.end(),
        (err: unknown) => {
          if (cancelled) return;
          log.debug({ err: (err as Error).message }, 'logs failed');
          call.emit('error', toServiceError(runtimeError(err)));
        },
      );
    },
    Summary: (call, callback) => {
      try {
        requireApiserver(call);
        callback(null, options.summary());
      } catch (err) {
        callback(toServiceError(err));
      }
    },
    Exec: (call) => serveExec(call, options, log, 'exec'),
    Attach: (call) => serveExec(call, options, log, 'attach'),
    PortForward: (call) => {
      Promise.resolve()
        .then(() => {
          requireApiserver(call);
          return runPortForward(call, options.findPod, options.runtime);
        })
        .then(
          () => call.end(),
          (err: unknown) => {
            log.debug({ err: (err as Error).message }, 'port-forward failed');
            call.emit('error', toServiceError(runtimeError(err)));
          },
        );
    },
  };
}

function serveExec(call: grpc.ServerDuplexStream<ExecFrame__Output, ExecFrame>, options: KubeletServerOptions, log: Logger, mode: 'exec' | 'attach'): void {
  runExec(call, options, mode).then(
    () => call.end(),
    (err: unknown) => {
      log.debug({ err: (err as Error).message }, `${mode} failed`);
      call.emit('error', toServiceError(runtimeError(err)));
    },
  );
}

async function streamLogs(call: grpc.ServerWritableStream<LogsRequest, unknown>, options: KubeletServerOptions, cancelled: () => boolean): Promise<void> {
  requireApiserver(call);
  const req = call.request;
  const target = await resolveContainer(options.findPod, options.runtime, req, Boolean(req.previous));
  const stream: Readable = await options.runtime.logs(target.containerId, {
    follow: Boolean(req.follow),
    timestamps: Boolean(req.timestamps),
    ...(req.tailLines !== undefined && req.tailLines !== null && { tailLines: Number(req.tailLines) }),
    // The API counts seconds back from now; Docker wants a point in time.
    ...(req.sinceSeconds !== undefined && req.sinceSeconds !== null && { sinceSeconds: Math.floor(Date.now() / 1000) - Number(req.sinceSeconds) }),
  });
  if (cancelled()) {
    stream.destroy();
    return;
  }
  call.once('cancelled', () => stream.destroy());
  try {
    for await (const chunk of stream) {
      if (!call.write({ data: chunk as Buffer })) await Promise.race([once(call, 'drain'), once(call, 'cancelled')]);
      if (cancelled()) return;
    }
  } catch (err) {
    if (!cancelled()) throw err;
  }
}

/** An exec (a new process) or an attach (the container's main one): the same frames either way. */
async function runExec(call: grpc.ServerDuplexStream<ExecFrame__Output, ExecFrame>, options: KubeletServerOptions, mode: 'exec' | 'attach'): Promise<void> {
  requireApiserver(call);
  const start = await firstFrame<ExecStart, ExecFrame__Output>(call, mode);
  const command = start.command ?? [];
  if (mode === 'exec' && command.length === 0) throw badRequest('you must specify at least one command for the container');
  const target = await resolveContainer(options.findPod, options.runtime, start);
  const session =
    mode === 'exec'
      ? await options.runtime.exec(target.containerId, command, { stdin: Boolean(start.stdin), tty: Boolean(start.tty) })
      : await options.runtime.attach(target.containerId, { stdin: Boolean(start.stdin) });
  call.once('cancelled', () => session.close());
  forwardInput(call, session);
  call.resume();

  const outputs = [pump(call, session.stdout, 'stdout'), ...(session.stderr ? [pump(call, session.stderr, 'stderr')] : [])];
  await Promise.all(outputs);
  const exitCode = await session.exitCode;
  call.write({ exitCode });
}

function forwardInput(call: grpc.ServerDuplexStream<ExecFrame__Output, ExecFrame>, session: ExecSession): void {
  const stdin = session.stdin;
  call.on('data', (frame: ExecFrame__Output) => {
    if (frame.stdin && stdin && !stdin.writableEnded) {
      if (!stdin.write(frame.stdin)) {
        call.pause();
        stdin.once('drain', () => call.resume());
      }
    } else if (frame.stdinClose) {
      stdin?.end();
    } else if (frame.resize) {
      session.resize({ width: frame.resize.width ?? 0, height: frame.resize.height ?? 0 }).catch(() => undefined);
    }
  });
  // A client that half-closes without stdinClose is done sending input too.
  call.once('end', () => stdin?.end());
  stdin?.on('error', () => undefined);
}

/** Copies one output of the process into frames, pausing it while the client is behind. */
async function pump(call: grpc.ServerDuplexStream<ExecFrame__Output, ExecFrame>, source: Readable, field: 'stdout' | 'stderr'): Promise<void> {
  for await (const chunk of source) {
    const frame: ExecFrame = field === 'stdout' ? { stdout: chunk as Buffer } : { stderr: chunk as Buffer };
    if (!call.write(frame)) await Promise.race([once(call, 'drain'), once(call, 'cancelled')]);
  }
}

/** Runtime failures in API terms: a container that is not ours is NotFound, Docker refusals say why. */
function runtimeError(err: unknown): unknown {
  if (err instanceof ApiError) return err;
  if (err instanceof ContainerNotFoundError) return new ApiError('NotFound', err.message);
  const code = dockerStatusCode(err);
  if (code === 404) return new ApiError('NotFound', dockerMessage(err));
  if (code === 409) return badRequest(dockerMessage(err));
  return err;
}
