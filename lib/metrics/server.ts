import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { collectProcessMetrics, processRegistry } from './registry.js';

export interface MetricsServerOptions {
  /** Loopback by default: metrics name objects' kinds and rates, which are for the host's operator. */
  bindAddress: string;
  /** 0 picks a free port (tests); the callers skip starting a server at all when the flag is 0. */
  port: number;
  registry?: Registry;
  log: Logger;
}

export interface RunningMetricsServer {
  /** host:port it listens on (the real port when 0 was asked for). */
  address: string;
  port: number;
  close(): Promise<void>;
}

/** Writes the registry in Prometheus' text format: the body of every component's /metrics. */
export async function writeMetrics(registry: Registry, res: { writeHead(code: number, headers: Record<string, string | number>): unknown; end(body: string): unknown }): Promise<void> {
  const body = await registry.metrics();
  res.writeHead(200, { 'Content-Type': registry.contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Plain HTTP serving GET /metrics (and /healthz for probes) and nothing else, as the components of
 * Kubernetes serve their metrics. Starting it also starts the process metrics.
 */
export async function startMetricsServer(opts: MetricsServerOptions): Promise<RunningMetricsServer> {
  const registry = opts.registry ?? processRegistry;
  if (registry === processRegistry) collectProcessMetrics();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://metrics').pathname;
    const reply = (code: number, text: string): void => {
      res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed\n');
    if (path === '/healthz') return reply(200, 'ok');
    if (path !== '/metrics') return reply(404, 'not found: this port serves /metrics\n');
    writeMetrics(registry, res).catch((err: unknown) => {
      opts.log.error({ err }, 'collecting metrics failed');
      if (!res.headersSent) reply(500, 'collecting metrics failed\n');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.bindAddress, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const address = `${opts.bindAddress}:${port}`;
  opts.log.info({ address }, 'serving metrics');
  return {
    address,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
