import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { fromServiceError } from '../../../lib/api/errors.js';
import type { PortForwardFrame, PortForwardStart } from '../../../lib/api/generated/index.js';
import type { Headers } from './spdy/frames.js';
import { SpdySession, type StreamHandler, type Transport } from './spdy/session.js';
import { apiErrorOf, internalError } from './status.js';

// pods/portforward as kubectl speaks it: the portforward.k8s.io protocol on SPDY/3.1 streams.
// kubectl 1.31+ first tunnels SPDY through a WebSocket (subprotocol SPDY/3.1+portforward.k8s.io,
// every write one binary message) and falls back to a plain SPDY/3.1 upgrade. Each local
// connection opens two streams with the same requestid header: "error" (the server writes what
// went wrong, then closes it) and "data" (the connection's bytes, FIN for a half-close). Each pair
// becomes one PortForward stream to the pod's kubelet, as the gRPC PortForward call is relayed.

export const TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';
const STREAM_PROTOCOL = 'portforward.k8s.io';

type Upstream = grpc.ClientDuplexStream<PortForwardFrame, PortForwardFrame>;
export type PortForwardOpener = (start: PortForwardStart) => Promise<Upstream>;

/** One forwarded connection: its two client streams and, once both are there, the kubelet's stream. */
interface Forward {
  port: number;
  errorId?: number;
  dataId?: number;
  upstream?: Upstream;
  /** Client frames that arrived before the kubelet's stream was open. */
  pending: PortForwardFrame[];
  ended: boolean;
}

/** WebSocket upgrades whose answer must name the tunnel subprotocol. */
const TUNNELLED = new WeakSet<IncomingMessage>();

/** Whether an upgrade request asks for the plain SPDY/3.1 port-forward protocol. */
export function isSpdyUpgrade(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'spdy/3.1';
}

function refuseUpgrade(socket: Duplex, status: string, text: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
}

class PortForwardSession implements StreamHandler {
  private readonly forwards = new Map<string, Forward>();
  private readonly byStream = new Map<number, Forward>();
  readonly spdy: SpdySession;

  constructor(
    transport: Transport,
    private readonly pod: { namespace: string; name: string },
    private readonly openUpstream: PortForwardOpener,
    private readonly log: Logger,
  ) {
    this.spdy = new SpdySession(transport, this, log);
  }

  opened(id: number, headers: Headers): void {
    const type = headers.get('streamtype');
    if (type !== 'error' && type !== 'data') return this.spdy.finish(id);
    // Clients older than request ids pair streams by order; the port and type still name them.
    const key = headers.get('requestid') ?? `port:${headers.get('port')}`;
    let forward = this.forwards.get(key);
    if (!forward) {
      forward = { port: Number(headers.get('port')), pending: [], ended: false };
      this.forwards.set(key, forward);
    }
    this.byStream.set(id, forward);
    if (type === 'error') forward.errorId = id;
    else forward.dataId = id;
    if (forward.errorId !== undefined && forward.dataId !== undefined) {
      this.forwards.delete(key);
      this.start(forward);
    }
  }

  data(id: number, chunk: Buffer): void {
    const forward = this.byStream.get(id);
    if (forward && id === forward.dataId) this.toUpstream(forward, { data: chunk });
  }

  finished(id: number): void {
    const forward = this.byStream.get(id);
    if (forward && id === forward.dataId) this.toUpstream(forward, { close: true });
  }

  reset(id: number): void {
    const forward = this.byStream.get(id);
    if (!forward) return;
    forward.upstream?.cancel();
    this.end(forward);
  }

  private toUpstream(forward: Forward, frame: PortForwardFrame): void {
    const upstream = forward.upstream;
    if (!upstream) return void forward.pending.push(frame);
    if (upstream.write(frame)) return;
    // The kubelet is behind: stop reading from the client until it catches up.
    this.spdy.pauseReading();
    upstream.once('drain', () => this.spdy.resumeReading());
  }

  private start(forward: Forward): void {
    const port = forward.port;
    const failed = (reason: string) => this.fail(forward, `error forwarding port ${String(port)} to pod ${this.pod.namespace}/${this.pod.name}: ${reason}`);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return failed(`invalid port: must be between 1 and 65535`);
    this.openUpstream({ ...this.pod, port }).then(
      (upstream) => {
        if (forward.ended) return upstream.cancel();
        forward.upstream = upstream;
        for (const frame of forward.pending.splice(0)) upstream.write(frame);
        upstream.on('data', (frame: PortForwardFrame) => {
          if (frame.close) return this.spdy.finish(forward.dataId!);
          if (!frame.data || this.spdy.send(forward.dataId!, Buffer.from(frame.data))) return;
          // The client is behind: hold the kubelet's stream until what was sent has gone out.
          upstream.pause();
          this.spdy.drained(() => upstream.resume());
        });
        upstream.on('end', () => this.end(forward));
        upstream.on('error', (err: grpc.ServiceError) => {
          if (err.code === grpc.status.CANCELLED) return this.end(forward);
          this.fail(forward, fromServiceError(err).message);
        });
      },
      (err: unknown) => failed((apiErrorOf(err) ?? internalError(err)).message),
    );
  }

  /** What went wrong, on the error stream: kubectl prints it as "an error occurred forwarding L -> R: ...". */
  private fail(forward: Forward, message: string): void {
    if (forward.ended) return;
    this.log.debug({ pod: this.pod, port: forward.port, message }, 'port-forward failed');
    this.spdy.send(forward.errorId!, Buffer.from(message));
    this.end(forward);
  }

  private end(forward: Forward): void {
    if (forward.ended) return;
    forward.ended = true;
    for (const id of [forward.dataId, forward.errorId]) {
      if (id === undefined) continue;
      this.spdy.finish(id);
      this.spdy.forget(id);
      this.byStream.delete(id);
    }
  }
}

export class PortForwardServer {
  // ws refuses "SPDY/3.1+portforward.k8s.io" as a subprotocol ("/" is not a token character), so
  // the offer is taken off the request before ws sees it and the choice put back in the answer.
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<Duplex>();

  constructor(private readonly log: Logger) {
    this.wss.on('headers', (headers: string[], req: IncomingMessage) => {
      if (TUNNELLED.has(req)) headers.push(`Sec-WebSocket-Protocol: ${TUNNEL_PROTOCOL}`);
    });
  }

  /** Completes the upgrade (WebSocket tunnel or plain SPDY) and serves the session on it. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, pod: { namespace: string; name: string }, open: PortForwardOpener): void {
    const log = this.log.child({ pod: `${pod.namespace}/${pod.name}` });
    if (isSpdyUpgrade(req)) return this.acceptSpdy(req, socket, head, pod, open, log);
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(TUNNEL_PROTOCOL)) {
      return refuseUpgrade(socket, '400 Bad Request', `unable to upgrade: the WebSocket subprotocol ${TUNNEL_PROTOCOL} was not offered`);
    }
    delete req.headers['sec-websocket-protocol'];
    TUNNELLED.add(req);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const transport: Transport = {
        write: (bytes, written) => ws.send(bytes, { binary: true }, () => written()),
        pauseReading: () => ws.pause(),
        resumeReading: () => ws.resume(),
        close: () => ws.close(),
      };
      const session = new PortForwardSession(transport, pod, open, log);
      ws.on('message', (data: Buffer) => session.spdy.receive(data));
      ws.on('close', () => session.spdy.ended());
    });
  }

  private acceptSpdy(req: IncomingMessage, socket: Duplex, head: Buffer, pod: { namespace: string; name: string }, open: PortForwardOpener, log: Logger): void {
    const protocols = (req.headers['x-stream-protocol-version'] ?? '').toString().split(',').map((p) => p.trim());
    if (!protocols.includes(STREAM_PROTOCOL)) {
      return refuseUpgrade(socket, '400 Bad Request', `unable to upgrade: the port-forward protocol ${STREAM_PROTOCOL} was not offered`);
    }
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${STREAM_PROTOCOL}\r\n\r\n`);
    this.sockets.add(socket);
    const transport: Transport = {
      write: (bytes, written) => void socket.write(bytes, () => written()),
      pauseReading: () => socket.pause(),
      resumeReading: () => socket.resume(),
      close: () => socket.end(),
    };
    const session = new PortForwardSession(transport, pod, open, log);
    if (head.length > 0) session.spdy.receive(head);
    socket.on('data', (chunk: Buffer) => session.spdy.receive(chunk));
    socket.on('close', () => {
      this.sockets.delete(socket);
      session.spdy.ended();
    });
    socket.on('error', () => socket.destroy());
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    for (const socket of this.sockets) socket.destroy();
  }
}
