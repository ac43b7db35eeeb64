import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ApiError } from '../../../lib/api/errors.js';
import type { ExecFrame, ExecStart } from '../../../lib/api/generated/index.js';
import { storedRequestName, type ResourceInfo } from '../../../lib/api/resources.js';
import { nonResourceAttributes, resourceAttributes, type Attributes, type RequestAuthorizer } from '../authz/index.js';
import { processRegistry, writeMetrics } from '../../../lib/metrics/index.js';
import type { HealthProbe } from '../health.js';
import { requestScope, requestVerb, type RequestKind, type RequestMetrics } from '../metrics.js';
import type { ApiOperations } from '../operations.js';
import { logAuthenticationFailure, type BearerAuthenticator } from '../auth.js';
import { authenticateRequest, hasCredentials } from './authentication.js';
import { ANONYMOUS, isClusterInfoRead } from '../anonymous.js';
import { send, type LogRelay, type ResourceCall } from './call.js';
import { dispatch } from './dispatch.js';
import { aggregatedDiscovery, AGGREGATED_DISCOVERY_TYPE, coreVersions, groupDocument, groupList, resourceList, versionDocument } from './discovery.js';
import { acceptsAggregatedDiscovery, responseFormat } from './negotiation.js';
import { jsonPresenter } from './presenters.js';
import { PortForwardServer, type PortForwardOpener } from './port-forward.js';
import { execStartFrom, RemoteCommandServer } from './remote-command.js';
import { parseRoute, type Route } from './routes.js';
import { openApiV2Document, openApiV3Document, openApiV3Index } from '../openapi/index.js';
import { openIdConfiguration } from '../serviceaccount/discovery.js';
import type { ServiceAccountTokens } from '../serviceaccount/tokens.js';
import { apiErrorOf, internalError, statusOf } from './status.js';
import { AssetCache, serveDashboard } from '../dashboard/index.js';
import { tablePresenter } from './table.js';
import { presentEvent, watchEvents } from './verbs/read.js';
import { bearerFromProtocols, isWatchUpgrade, WatchSocketServer } from './watch-socket.js';
import type { WatchOut } from '../watch/index.js';
import type { Auditor } from '../audit/index.js';
import { newRequestScope, type RequestScope } from '../request-scope.js';
import { noteFieldManager } from '../managed-fields/index.js';

// Kubernetes' HTTP API beside the gRPC service, for kubectl and Kubernetes client libraries. It
// decodes requests into the same operations the gRPC handlers call (operations.ts), so
// validation, defaulting, admission, storage and the watch cache are shared; only the encoding
// differs. It listens on a port of its own (the gRPC port + 1 by default): grpc-js owns its
// HTTP/2 listener, and a second TLS server with the same certificate keeps both simple.

export interface RestServerOptions {
  ops: ApiOperations;
  authenticator: BearerAuthenticator | undefined;
  authorizer: RequestAuthorizer;
  /** The ServiceAccount token issuer, for its OpenID discovery documents. */
  tokens?: ServiceAccountTokens;
  health: HealthProbe;
  /** Absent when auditing is off. */
  audit?: Auditor;
  logs: LogRelay;
  /** Opens an Exec or Attach stream at the pod's kubelet (pods/exec and pods/attach over WebSocket). */
  streams: (method: 'Exec' | 'Attach', first: { start: ExecStart }) => Promise<grpc.ClientDuplexStream<ExecFrame, ExecFrame>>;
  /** Opens a PortForward stream at the pod's kubelet, one per forwarded connection (pods/portforward). */
  portForward: PortForwardOpener;
  /** Serving certificate and key (PEM), the same as the gRPC server's. */
  cert: Buffer;
  key: Buffer;
  /** The CA that signs client certificates. */
  clientCA?: Buffer;
  bindAddress: string;
  port: number;
  log: Logger;
  /** Request counts and latencies; absent when turned off. */
  requestMetrics?: RequestMetrics;
}

export interface RunningRestServer {
  port: number;
  close(): Promise<void>;
}

/** The pod subresources served on an upgraded connection. */
const STREAMING = new Set(['exec', 'attach', 'portforward']);

function notFound(): ApiError {
  return new ApiError('NotFound', 'the server could not find the requested resource');
}

/** The OpenAPI document a path names: swagger 2.0, the OpenAPI 3.0 index, or one group version's 3.0 document. */
function openApiDocument(version: 'v2' | 'v3', groupVersionPath: string): object | undefined {
  if (version === 'v2') return openApiV2Document();
  return groupVersionPath === '' ? openApiV3Index() : openApiV3Document(groupVersionPath);
}

/** An aggregated discovery document, with the media type that tells clients it is one. */
function sendAggregated(res: ServerResponse, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': AGGREGATED_DISCOVERY_TYPE, 'Content-Length': Buffer.byteLength(text), Vary: 'Accept' });
  res.end(text);
}

/** Every value of a request header (impersonation headers may repeat). */
function headerValues(req: IncomingMessage, name: string): string[] {
  const value = req.headers[name.toLowerCase()];
  return value === undefined ? [] : Array.isArray(value) ? value : value.split(',').map((v) => v.trim());
}

/** How long a connection may stay without completing its TLS handshake, or without a first request after it. */
const IDLE_CONNECTION_MS = 10_000;

/**
 * Closes connections that never send a request: the TLS layer's handshakeTimeout covers the
 * handshake, Node's keepAliveTimeout the time between requests, and nothing the time between
 * the handshake and the first request, which a client could otherwise hold open for free.
 */
function closeSilentConnections(server: Server): void {
  const spoke = new WeakSet<object>();
  const heard = (req: IncomingMessage): void => void spoke.add(req.socket);
  server.on('request', heard);
  server.on('upgrade', heard);
  server.on('secureConnection', (socket: TLSSocket) => {
    const timer = setTimeout(() => {
      if (!spoke.has(socket)) socket.destroy();
    }, IDLE_CONNECTION_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });
}

/** Records a request's audit event once its response is complete (or the client went away). */
function auditWhenDone(audit: Auditor, req: IncomingMessage, res: ServerResponse, scope: RequestScope, failure: () => { reason: string; message: string } | undefined): void {
  const receivedAt = new Date();
  res.on('close', () =>
    audit.record({
      scope,
      receivedAt,
      requestURI: req.url ?? '/',
      method: req.method ?? 'GET',
      sourceIP: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
      userAgent: req.headers['user-agent'],
      code: res.statusCode,
      failure: failure(),
    }),
  );
}

export async function startRestServer(opts: RestServerOptions): Promise<RunningRestServer> {
  const { ops, log } = opts;
  let serverAddress = '';

  function unauthenticated(route: Route): boolean {
    return route.type === 'version' || route.type === 'health' || route.type === 'dashboard';
  }

  async function health(res: ServerResponse, check: string): Promise<void> {
    const ok = (await opts.health(check === 'readyz' ? 'readyz' : 'livez')) === 'SERVING';
    const text = ok ? 'ok' : `${check} check failed`;
    res.writeHead(ok ? 200 : 500, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  /** kind: what the request is, filled in here as it becomes known, for the request metrics. */
  async function handle(req: IncomingMessage, res: ServerResponse, abort: AbortController, kind: RequestKind, scope: RequestScope): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://apiserver');
    const route = parseRoute(url.pathname);
    const anonymousRead = route.type === 'resource' && !route.subresource && req.method === 'GET' && isClusterInfoRead(route.info, 'get', route.namespace, route.name) && !hasCredentials(req);
    const user = unauthenticated(route) ? undefined : opts.authorizer.identify(anonymousRead ? ANONYMOUS : authenticateRequest(opts.authenticator, req), (name) => headerValues(req, name), scope);
    if (user) scope.user = { name: user.name, uid: user.uid, groups: user.groups };
    // Discovery, OpenAPI and the rest of the non-resource paths: RBAC's nonResourceURLs decide.
    if (user && route.type !== 'resource') opts.authorizer.authorize(nonResourceAttributes(user, 'get', url.pathname), scope);
    const format = responseFormat(req.headers.accept);
    const aggregated = acceptsAggregatedDiscovery(req.headers.accept);
    const json = (body: object | undefined): void => {
      if (!body) throw notFound();
      send(res, 200, 'json', body, scope);
    };
    switch (route.type) {
      case 'version':
        return json(versionDocument());
      case 'health':
        return health(res, route.check);
      case 'core-versions':
        if (aggregated) return sendAggregated(res, aggregatedDiscovery(true));
        return json(coreVersions(serverAddress));
      case 'groups':
        if (aggregated) return sendAggregated(res, aggregatedDiscovery(false));
        return json(groupList());
      case 'group':
        return json(groupDocument(route.group));
      case 'group-version':
        return json(resourceList(route.group, route.version));
      case 'openapi':
        return json(openApiDocument(route.version, route.groupVersionPath));
      case 'metrics':
        return writeMetrics(processRegistry, res);
      case 'resource': {
        const present = format.table ? tablePresenter(url.searchParams) : jsonPresenter;
        // Operations work on the stored version; the verbs convert a request in another version.
        const target = { resource: storedRequestName(route.info), namespace: route.namespace, name: route.name, scope };
        let attrs: Attributes | undefined;
        kind.info = route.info;
        kind.subresource = route.subresource;
        const call: ResourceCall = {
          req, res, ops, info: route.info, target, scope, subresource: route.subresource, proxy: route.proxy, query: url.searchParams, encoding: format.encoding, abort, present, logs: opts.logs, log,
          authorize: (verb) => {
            attrs = resourceAttributes(user!, verb, { apiGroup: route.info.group, resource: route.info.resource, subresource: route.subresource, namespace: target.namespace, name: target.name });
            opts.authorizer.authorize(attrs, scope);
            kind.verb = requestVerb(verb);
            kind.scope = requestScope(route.info, target.namespace, Boolean(target.name));
            if (opts.requestMetrics && (verb === 'watch' || route.subresource === 'log')) res.once('close', opts.requestMetrics.longRunning(kind));
          },
          admit: (object, patch) => opts.authorizer.admit(attrs!, object, patch),
        };
        noteFieldManager(scope, url.searchParams.get('fieldManager') ?? undefined, req.headers['user-agent']);
        return dispatch(req.method ?? 'GET', call);
      }
      case 'dashboard':
        return serveDashboard(req, res, url.pathname, route.path, dashboardAssets);
      case 'oidc':
        if (!opts.tokens) throw notFound();
        return json(route.document === 'jwks' ? opts.tokens.jwks() : openIdConfiguration(opts.tokens));
      case 'not-found':
        throw notFound();
    }
  }

  const remote = new RemoteCommandServer();
  const dashboardAssets = new AssetCache();

  const portForwards = new PortForwardServer(log.child({ part: 'portforward' }));
  const watchSockets = new WatchSocketServer(log.child({ part: 'watch-websocket' }));

  /** A watch over WebSocket: authenticated (a browser sends its token as a subprotocol) and authorized as the watch it is. */
  function watchUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, route: Extract<Route, { type: 'resource' }>, query: URLSearchParams): void {
    const user = opts.authorizer.identify(authenticateRequest(opts.authenticator, req, req.headers.authorization ?? bearerFromProtocols(req)), (name) => headerValues(req, name));
    opts.authorizer.authorize(resourceAttributes(user, 'watch', { apiGroup: route.info.group, resource: route.info.resource, namespace: route.namespace, name: route.name }));
    const target = { resource: storedRequestName(route.info), namespace: route.namespace };
    // A watch of one object is a watch of the collection narrowed to its name, as over HTTP.
    if (route.name) query.set('fieldSelector', [query.get('fieldSelector'), `metadata.name=${route.name}`].filter(Boolean).join(','));
    watchSockets.accept(req, socket, head, (abort) => presentedEvents(watchEvents({ ops, target, query, abort }), route.info));
  }

  async function* presentedEvents(events: AsyncIterable<WatchOut>, info: ResourceInfo): AsyncIterable<object> {
    for await (const ev of events) yield { type: ev.type, object: presentEvent(jsonPresenter, info, ev) };
  }

  /** An upgrade (WebSocket, or SPDY for port-forward): a watch, or pods/exec, attach and portforward, authenticated and authorized first. */
  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    try {
      const url = new URL(req.url ?? '/', 'https://apiserver');
      const route = parseRoute(url.pathname);
      if (route.type === 'resource' && !route.subresource && isWatchUpgrade(req, url.searchParams)) return watchUpgrade(req, socket, head, route, url.searchParams);
      const subresource = route.type === 'resource' ? route.subresource : undefined;
      if (route.type !== 'resource' || route.info.field !== 'pod' || !route.name || !subresource || !STREAMING.has(subresource)) throw notFound();
      const user = opts.authorizer.identify(authenticateRequest(opts.authenticator, req), (name) => headerValues(req, name));
      opts.authorizer.authorize(resourceAttributes(user, 'create', { apiGroup: '', resource: 'pods', subresource, namespace: route.namespace, name: route.name }));
      const pod = { namespace: route.namespace ?? '', name: route.name };
      if (subresource === 'portforward') return portForwards.accept(req, socket, head, pod, opts.portForward);
      const attach = subresource === 'attach';
      const start = execStartFrom(url.searchParams, pod.namespace, pod.name, attach);
      remote.accept(req, socket, head, start, (first) => opts.streams(attach ? 'Attach' : 'Exec', first));
    } catch (err) {
      const status = statusOf(apiErrorOf(err) ?? internalError(err));
      const body = JSON.stringify(status);
      socket.end(`HTTP/1.1 ${status.code} ${status.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    }
  }

  const server: Server = createServer(
    { cert: opts.cert, key: opts.key, ca: opts.clientCA, requestCert: Boolean(opts.clientCA), rejectUnauthorized: false, handshakeTimeout: IDLE_CONNECTION_MS },
    (req, res) => {
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      const kind: RequestKind = { verb: req.method ?? 'GET', scope: '' };
      const metrics = opts.requestMetrics;
      if (metrics) {
        const start = process.hrtime.bigint();
        res.once('close', () => metrics.record(kind, res.statusCode, start));
      }
      const scope = newRequestScope();
      let failure: { reason: string; message: string } | undefined;
      if (opts.audit) auditWhenDone(opts.audit, req, res, scope, () => failure);
      handle(req, res, abort, kind, scope).catch((err: unknown) => {
        const apiErr = apiErrorOf(err);
        if (!apiErr) log.error({ err, method: req.method, url: req.url }, 'request failed');
        logAuthenticationFailure(log, err, (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''));
        const status = statusOf(apiErr ?? internalError(err));
        failure = { reason: status.reason ?? '', message: status.message ?? '' };
        // Too late for a Status: a list cut short has already closed the connection (list-response.ts).
        if (res.headersSent) {
          if (apiErr) log.warn({ err: apiErr.message, method: req.method, url: req.url }, 'request failed after its response began');
          return res.end();
        }
        // In the client's encoding: one that takes only protobuf gets its Status in protobuf too.
        send(res, status.code, responseFormat(req.headers.accept).encoding, status);
      });
    },
  );
  server.on('upgrade', upgrade);
  closeSilentConnections(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.bindAddress, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  serverAddress = `${opts.bindAddress}:${port}`;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        remote.close();
        portForwards.close();
        watchSockets.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
