import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ApiClient } from '../../lib/client/client.js';
import { SharedInformerFactory } from '../../lib/informer/index.js';
import { ROLES, targetGroups, type ClusterObjects, type Role } from './target-groups.js';

export interface DiscoveryServerOptions {
  client: ApiClient;
  /** Loopback normally: Prometheus runs on the same host. */
  bindAddress: string;
  /** 0 picks a free port (tests). */
  port: number;
  log: Logger;
}

export interface RunningDiscoveryServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Watches nodes, services, endpoints and pods through the API (one informer each) and answers
 * Prometheus' HTTP service discovery at GET /targets/<role> from the caches, so a poll costs no API
 * call. Until the caches are filled it answers 503, which Prometheus retries, rather than an empty
 * list that would drop every target.
 */
export async function startDiscoveryServer(o: DiscoveryServerOptions): Promise<RunningDiscoveryServer> {
  const factory = new SharedInformerFactory(o.client, { log: o.log });
  const informers = {
    nodes: factory.informerFor('node'),
    services: factory.informerFor('service'),
    endpoints: factory.informerFor('endpoints'),
    pods: factory.informerFor('pod'),
  };
  const stop = new AbortController();
  factory.start(stop.signal);
  const objects = (): ClusterObjects => ({
    nodes: informers.nodes.store.list(),
    services: informers.services.store.list(),
    endpoints: informers.endpoints.store.list(),
    pods: informers.pods.store.list(),
  });
  const synced = (): boolean => Object.values(informers).every((i) => i.hasSynced());

  const server: Server = createServer((req, res) => {
    const reply = (code: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(code, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    };
    const match = /^\/targets\/([a-z]+)$/.exec(new URL(req.url ?? '/', 'http://sd').pathname);
    const role = match?.[1];
    if (req.method !== 'GET') return reply(405, 'method not allowed\n');
    if (!role || !(ROLES as readonly string[]).includes(role)) return reply(404, `not found: GET /targets/<role>, role one of ${ROLES.join(', ')}\n`);
    if (!synced()) return reply(503, 'the caches are not filled yet\n');
    reply(200, JSON.stringify(targetGroups(role as Role, objects())), 'application/json');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.bindAddress, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  o.log.info({ address: `${o.bindAddress}:${port}` }, 'serving Prometheus service discovery');
  return {
    port,
    close: async () => {
      stop.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await factory.stop();
    },
  };
}
