import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { apiErrorOf, internalError, statusOf } from './status.js';

// A watch over WebSocket, as kube-apiserver serves one to browsers: each WatchEvent is one
// message (binary frames for the binary.k8s.io subprotocol or none, base64 text for
// base64.binary.k8s.io). A browser cannot set an Authorization header on a WebSocket, so it
// passes its token as the subprotocol base64url.bearer.authorization.k8s.io.<token, base64url>,
// which is never chosen as the protocol. Browsers hold at most six HTTP/1.1 connections per
// server, and a page of several live lists would wait behind its own watches; WebSockets have
// a pool of their own.

const BEARER_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';
const BINARY = 'binary.k8s.io';
const BASE64 = 'base64.binary.k8s.io';

/** The Authorization header a WebSocket request carries in its subprotocols, if it does. */
export function bearerFromProtocols(req: IncomingMessage): string | undefined {
  const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const encoded = offered.find((p) => p.startsWith(BEARER_PROTOCOL_PREFIX))?.slice(BEARER_PROTOCOL_PREFIX.length);
  return encoded ? `Bearer ${Buffer.from(encoded, 'base64url').toString('utf8')}` : undefined;
}

/** The upgrade request's query says watch=true (or 1). */
export function isWatchUpgrade(req: IncomingMessage, query: URLSearchParams): boolean {
  return req.method === 'GET' && (query.get('watch') === 'true' || query.get('watch') === '1');
}

export class WatchSocketServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => [BINARY, BASE64].find((p) => offered.has(p)) ?? false,
  });

  constructor(private readonly log: Logger) {}

  /** Completes the upgrade and sends each event `watch` yields until either side stops. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, watch: (abort: AbortController) => AsyncIterable<object>): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const abort = new AbortController();
      ws.on('close', () => abort.abort());
      ws.on('error', () => abort.abort());
      const send = (event: object): void => {
        const text = JSON.stringify(event);
        if (ws.protocol === BASE64) ws.send(Buffer.from(text).toString('base64'));
        else ws.send(Buffer.from(text), { binary: true });
      };
      void (async () => {
        try {
          for await (const event of watch(abort)) {
            if (abort.signal.aborted) break;
            send(event);
          }
        } catch (err) {
          if (abort.signal.aborted) return;
          const apiErr = apiErrorOf(err);
          if (!apiErr) this.log.error({ err }, 'watch over WebSocket failed');
          send({ type: 'ERROR', object: statusOf(apiErr ?? internalError(err)) });
        }
        ws.close(1000);
      })();
    });
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}
