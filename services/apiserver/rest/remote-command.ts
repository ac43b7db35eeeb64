import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type * as grpc from '@grpc/grpc-js';
import { WebSocketServer, type WebSocket } from 'ws';
import { badRequest, fromServiceError } from '../../../lib/api/errors.js';
import type { ExecFrame, ExecStart } from '../../../lib/api/generated/index.js';
import { apiErrorOf, internalError, statusOf } from './status.js';

// pods/exec and pods/attach over WebSocket, as kubectl 1.30+ speaks them by default: the
// channel.k8s.io subprotocols (v5 down to v4), where each binary message starts with its channel
// (0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize; in v5, 255 closes the channel named next).
// The session is relayed to the pod's kubelet as the gRPC Exec or Attach stream; the error
// channel finally carries a metav1.Status with the exit code, as kubelet's streaming server sends.

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;

type Upstream = grpc.ClientDuplexStream<ExecFrame, ExecFrame>;

/** The ExecStart a request's query describes (command=..., container, stdin, tty). */
export function execStartFrom(query: URLSearchParams, namespace: string, name: string, attach: boolean): ExecStart {
  const command = query.getAll('command');
  if (!attach && command.length === 0) throw badRequest('you must specify at least one command for the container');
  const flag = (key: string) => query.get(key) === 'true' || query.get(key) === '1';
  return { namespace, name, container: query.get('container') ?? '', command: attach ? [] : command, stdin: flag('stdin'), tty: flag('tty') };
}

/** The Status kubelet's streaming server ends a session with: success, or the exit code as a cause. */
export function exitStatus(exitCode: number): object {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

function framed(channel: number, data: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from([channel]), Buffer.from(data)]);
}

export class RemoteCommandServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });

  /** Completes the upgrade and relays the session; `open` starts the kubelet side once the socket is there. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, start: ExecStart, open: (first: { start: ExecStart }) => Promise<Upstream>): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // The client may send stdin (and close it) at once: frames wait here until the kubelet's stream is open.
      const pending: ExecFrame[] = [];
      let upstream: Upstream | undefined;
      const toUpstream = (frame: ExecFrame) => (upstream ? upstream.write(frame) : pending.push(frame));
      ws.on('message', (data: Buffer) => {
        const frame = clientFrame(data);
        if (frame) toUpstream(frame);
      });
      open({ start }).then(
        (opened) => {
          upstream = opened;
          for (const frame of pending.splice(0)) opened.write(frame);
          relay(ws, opened);
        },
        (err: unknown) => finish(ws, failure(err)),
      );
    });
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}

/** A failure as the Status the error channel carries. */
function failure(err: unknown): object {
  return statusOf(apiErrorOf(err) ?? internalError(err));
}

function finish(ws: WebSocket, status: object): void {
  ws.send(framed(ERROR, JSON.stringify(status)), () => ws.close(1000));
}

/** What a client's message asks of the process: stdin, the end of stdin, or a terminal size. */
function clientFrame(data: Buffer): ExecFrame | undefined {
  const channel = data[0];
  const body = data.subarray(1);
  if (channel === STDIN && body.length > 0) return { stdin: body };
  if (channel === CLOSE && body[0] === STDIN) return { stdinClose: true };
  if (channel === RESIZE) {
    try {
      const size = JSON.parse(body.toString()) as { Width?: number; Height?: number };
      return { resize: { width: Number(size.Width) || 0, height: Number(size.Height) || 0 } };
    } catch {
      // A garbled resize is dropped; the session goes on.
      return undefined;
    }
  }
  return undefined;
}

/** The process's output to the client, and its exit (or the stream's failure) as the final Status. */
function relay(ws: WebSocket, upstream: Upstream): void {
  let done = false;
  ws.on('close', () => {
    if (!done) upstream.cancel();
  });
  upstream.on('data', (frame: ExecFrame) => {
    if (frame.stdout) ws.send(framed(STDOUT, frame.stdout));
    else if (frame.stderr) ws.send(framed(STDERR, frame.stderr));
    else if (frame.exitCode !== undefined && frame.exitCode !== null) {
      done = true;
      finish(ws, exitStatus(frame.exitCode));
      upstream.end();
    }
  });
  upstream.on('error', (err: grpc.ServiceError) => {
    if (done) return;
    done = true;
    finish(ws, failure(fromServiceError(err)));
  });
}
