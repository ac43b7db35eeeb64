import { once } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ApiError, badRequest, toServiceError } from '../../lib/api/errors.js';
import { unwrap, type Envelope } from '../../lib/api/envelope.js';
import type * as t from '../../lib/api/generated/index.js';
import { toStoredVersion } from '../../lib/api/conversion/index.js';
import { isStoredVersion, resourceByName, storedRequestName, type AnyObject, type ResourceInfo } from '../../lib/api/resources.js';
import type { Auditor } from './audit/index.js';
import { authenticate, logAuthenticationFailure, type BearerAuthenticator } from './auth.js';
import { grpcAttributes, requestObject, requestPatch, selfSubjectAccessReview, selfSubjectRulesReview, subjectAccessReview, type RequestAuthorizer, type UserInfo } from './authz/index.js';
import { connectionAuthContext } from './connection-auth.js';
import { grpcRequestKind } from './grpc-request-kind.js';
import { decodeRequest, encodeMessage } from './grpc-service.js';
import type { KubeletProxy } from './kubelet-proxy.js';
import type { RequestKind, RequestMetrics } from './metrics.js';
import { apiOperations, type OperationDeps, type Target } from './operations.js';
import { MAX_OBJECT_BYTES } from './registry/registry.js';
import { resolveResource } from './request-context.js';
import { ANONYMOUS, isClusterInfoRead } from './anonymous.js';
import { storageUnavailable } from './storage/unavailable.js';
import { encodeWireEnvelope } from './storage/codec.js';
import type { WatchOut } from './watch/index.js';
import { WARNING_METADATA } from '../../lib/api/warnings.js';
import { newRequestScope, type RequestScope } from './request-scope.js';
import { configurationOf, noteFieldManager } from './managed-fields/index.js';
import { wireObject } from './wire-object.js';
import { encodeWatchError, encodeWatchEvent } from './watch-event-encoding.js';
import { WatchBatcher } from './watch-batching.js';
import { ListResponseEncoder } from './list-encoding.js';

interface HandlerDeps extends OperationDeps {
  authenticator: BearerAuthenticator | undefined;
  /** Absent when auditing is off. */
  audit?: Auditor;
  authorizer: RequestAuthorizer;
  kubelets: KubeletProxy;
  log: Logger;
  /** Request counts and latencies; absent when turned off. */
  requestMetrics?: RequestMetrics;
}

/** grpc-js caps a message at 4 MiB; unpaged lists are cut below that and continue from etcd. */
const LIST_BYTES_BUDGET = 3.5 * 1024 * 1024;
/**
 * Requests that carry an object are refused above etcd's request limit before anything else looks
 * at them, as kube-apiserver refuses a body above its limit: nothing of such an object is stored.
 */
const CARRIES_OBJECT = new Set(['Create', 'Update', 'UpdateStatus', 'Patch']);

type ObjectRequest = { object?: Envelope; name?: string; resource?: string };

function tooLarge(req: ObjectRequest, size: number): ApiError {
  const got = unwrap(req.object);
  const what = got ? `${got.info.kind} "${got.object.metadata?.name ?? got.object.metadata?.generateName ?? ''}"` : `${req.resource ?? ''} "${req.name ?? ''}"`;
  return new ApiError('RequestEntityTooLarge', `Request entity too large: ${what} is ${size} bytes, limit is ${MAX_OBJECT_BYTES}`);
}

const REQ = (name: string): string => `kubets.v1.${name}`;

/** The HTTP code the same call answers with in Kubernetes' REST API, for the request metrics. */
const successCode = (method: string): number => (method === 'Create' || method === 'Bind' || method === 'Evict' ? 201 : 200);

function failureCode(err: unknown): number {
  return (err instanceof ApiError ? err : storageUnavailable(err))?.httpCode ?? 500;
}

interface ObservedCall {
  /** The decoded request: the call's labels are known, and a long-running one counts as running. */
  known(req: unknown): void;
  end(err?: unknown): void;
}

const UNOBSERVED: ObservedCall = { known: () => undefined, end: () => undefined };

function objectOf(info: ResourceInfo, envelope: Envelope | undefined): AnyObject {
  const got = unwrap(envelope);
  if (!got) throw badRequest('the request carries no object');
  if (got.info.field !== info.field) throw badRequest(`the object kind "${got.info.kind}" does not match the resource "${info.resource}"`);
  return toStoredVersion(info, got.object);
}

// Serialized watch events, shared by every watcher that receives the same event object.
const encodedEvents = new WeakMap<WatchOut, Buffer>();

function encodeEvent(info: ResourceInfo, ev: WatchOut): Buffer {
  // Only the stored version's encoding is shared: watchers of another version get their own.
  if (!isStoredVersion(info)) return encodeWatchEvent(info, ev);
  let bytes = encodedEvents.get(ev);
  if (!bytes) {
    bytes = encodeWatchEvent(info, ev);
    encodedEvents.set(ev, bytes);
  }
  return bytes;
}

/**
 * A watch's events encoded. One that cannot be sent (an object corrupt in storage) ends the watch
 * with an ERROR event carrying its error, after the events before it, as Kubernetes ends a watch.
 */
async function* encodedWatch(info: ResourceInfo, events: AsyncIterable<WatchOut>): AsyncGenerator<Buffer> {
  for await (const ev of events) {
    let encoded: Buffer;
    try {
      encoded = encodeEvent(info, ev);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      yield encodeWatchError(err);
      return;
    }
    yield encoded;
  }
}

// Answers that are one shared frozen object (a binding's Success), serialized once.
const encodedAnswers = new WeakMap<object, Buffer>();

function encodedOnce(typeName: string, answer: Readonly<object>): Buffer {
  let bytes = encodedAnswers.get(answer);
  if (!bytes) {
    bytes = encodeMessage(typeName, answer);
    encodedAnswers.set(answer, bytes);
  }
  return bytes;
}

/** The address of a call's peer: grpc-js reports `127.0.0.1:5000` or `[::1]:5000`. */
function peerAddress(peer: string): string {
  const hostPort = peer.replace(/^ipv[46]:/, '');
  return hostPort.startsWith('[') ? hostPort.slice(1, hostPort.indexOf(']')) : hostPort.replace(/:\d+$/, '');
}

/** Every value of a metadata key, as text. */
const metadataValues =
  (metadata: grpc.Metadata) =>
  (name: string): string[] =>
    metadata.get(name).map((v) => v.toString());

/** Which subresource an UpdateStatus writes: the status, or a CertificateSigningRequest's approval. */
function statusSubresource(name: string | undefined): 'status' | 'approval' {
  if (!name || name === 'status') return 'status';
  if (name === 'approval') return 'approval';
  throw new ApiError('NotFound', `the server could not find the requested resource (subresource ${JSON.stringify(name)})`);
}

export function resourcesHandlers(deps: HandlerDeps): grpc.UntypedServiceImplementation {
  const { log, authorizer } = deps;
  const ops = apiOperations(deps);
  // Operations work on the stored version; a request in another version is converted here.
  const target = (info: ResourceInfo, req: { namespace?: string; name?: string }, scope: RequestScope): Target => ({ resource: storedRequestName(info), namespace: req.namespace, name: req.name, scope });

  /**
   * The one door of every call: who is calling (token, then impersonation), then whether they may
   * make this call (the attributes of the request it stands for), then write admission by identity.
   */
  function admitCall(method: string, authenticated: UserInfo, metadata: grpc.Metadata, req: unknown, scope: RequestScope): UserInfo {
    const user = authorizer.identify(authenticated, metadataValues(metadata), scope);
    const attrs = grpcAttributes(method, user, req);
    scope.user = { name: user.name, uid: user.uid, groups: user.groups };
    authorizer.authorize(attrs, scope);
    authorizer.admit(attrs, requestObject(method, req), requestPatch(method, req));
    return user;
  }

  /** Counts a call in the request metrics when it ends; a long-running one also while it runs. */
  function observe(method: string, longRunning = false): ObservedCall {
    const metrics = deps.requestMetrics;
    if (!metrics) return UNOBSERVED;
    const start = process.hrtime.bigint();
    let kind: RequestKind | undefined;
    let running: (() => void) | undefined;
    return {
      known(req) {
        kind = grpcRequestKind(method, req);
        if (longRunning) running = metrics.longRunning(kind);
      },
      end(err) {
        running?.();
        metrics.record(kind ?? grpcRequestKind(method, undefined), err === undefined ? successCode(method) : failureCode(err), start);
      },
    };
  }

  /** The warnings of a call as trailers, or nothing when it has none. */
  function warningTrailer(scope: RequestScope): grpc.Metadata | undefined {
    if (scope.warnings.size === 0) return undefined;
    const md = new grpc.Metadata();
    for (const w of scope.warnings) md.add(WARNING_METADATA, Buffer.from(w));
    return md;
  }

  /** The error a client gets: ApiErrors as they are, etcd failures as retryable, the rest logged as internal. */
  function reply(err: unknown, method: string): Partial<grpc.StatusObject> {
    const apiErr = err instanceof ApiError ? err : storageUnavailable(err);
    if (!apiErr) log.error({ err, method }, 'request failed');
    else if (!(err instanceof ApiError)) log.warn({ err: (err as Error).message, method }, 'storage unavailable');
    return toServiceError(apiErr ?? err);
  }

  function unary<Req, Res>(method: string, reqType: string, fn: (req: Req, user: UserInfo, scope: RequestScope) => Promise<Res>): grpc.handleUnaryCall<Buffer, Res> {
    return (call, callback) => {
      const observed = observe(method);
      const scope = newRequestScope();
      audited(method, call, scope, async () => {
        // A bearer token decides alone, so the client certificate is looked at only without one.
        const auth = call.metadata.get('authorization').length === 0 ? connectionAuthContext(call) : undefined;
        const withoutCredentials = auth !== undefined && !auth.sslPeerCertificate;
        const known = withoutCredentials ? undefined : authenticate(deps.authenticator, call.metadata, auth);
        const req = decodeRequest<Req>(REQ(reqType), call.request);
        // Only then is the call known: the one read anyone may make, or Unauthorized.
        const q = req as t.GetRequest;
        const anonymousRead = method === 'Get' && isClusterInfoRead(resourceByName(q.resource ?? ''), 'get', q.namespace, q.name);
        const authenticated = known ?? (anonymousRead ? ANONYMOUS : authenticate(deps.authenticator, call.metadata, auth));
        observed.known(req);
        noteFieldManager(scope, (req as { fieldManager?: string }).fieldManager, call.metadata.get('user-agent')[0]?.toString());
        if (CARRIES_OBJECT.has(method) && call.request.length > MAX_OBJECT_BYTES) throw tooLarge(req as ObjectRequest, call.request.length);
        return fn(req, admitCall(method, authenticated, call.metadata, req, scope), scope);
      }).then(
        (res) => {
          callback(null, res, warningTrailer(scope));
          observed.end();
        },
        (err: unknown) => {
          callback(reply(err, method));
          observed.end(err);
        },
      );
    };
  }

  /**
   * Runs a call's work, logs a failed authentication and, when auditing is
   * on, records its audit event once the work settles (a stream's when it ends). Returns the
   * work's outcome unchanged.
   */
  function audited<T>(method: string, call: { metadata: grpc.Metadata; getPeer(): string }, scope: RequestScope, work: () => Promise<T>): Promise<T> {
    const audit = deps.audit;
    const receivedAt = audit && new Date();
    const outcome = Promise.resolve().then(work);
    outcome.catch((err: unknown) => logAuthenticationFailure(log, err, peerAddress(call.getPeer())));
    if (!audit || !receivedAt) return outcome;
    const record = (err?: unknown): void => {
      const apiErr = err === undefined ? undefined : err instanceof ApiError ? err : (storageUnavailable(err) ?? new ApiError('InternalError', 'an error on the server has prevented the request from succeeding'));
      audit.record({
        scope,
        receivedAt,
        requestURI: scope.attributes ? undefined : `/kubets.v1.Resources/${method}`,
        method,
        sourceIP: peerAddress(call.getPeer()),
        userAgent: call.metadata.get('user-agent')[0]?.toString(),
        code: apiErr?.httpCode ?? (method === 'Create' ? 201 : 200),
        failure: apiErr && { reason: apiErr.reason, message: apiErr.message },
      });
    };
    outcome.then(() => record(), record);
    return outcome;
  }

  /** Exec, Attach and PortForward: authenticated here, authorized on their start frame, then relayed frame by frame to the pod's kubelet. */
  function relayToKubelet(method: 'Exec' | 'Attach' | 'PortForward', frameType: 'ExecFrame' | 'PortForwardFrame', call: grpc.ServerDuplexStream<Buffer, unknown>): void {
    const observed = observe(method, true);
    const scope = newRequestScope();
    audited(method, call, scope, async () => {
      const authenticated = authenticate(deps.authenticator, call.metadata, connectionAuthContext(call));
      return deps.kubelets.stream(
        method,
        call,
        (bytes) => decodeRequest<t.ExecFrame | t.PortForwardFrame>(REQ(frameType), bytes),
        (start) => {
          admitCall(method, authenticated, call.metadata, start, scope);
          observed.known(start);
        },
      );
    }).then(...streamEnd(call, observed));
  }

  /** How a stream ends: closed when the work is done, with the error otherwise, and counted either way. */
  function streamEnd(call: { end(): void; emit(event: 'error', err: unknown): boolean }, observed: ObservedCall): [() => void, (err: unknown) => void] {
    return [
      () => {
        call.end();
        observed.end();
      },
      (err: unknown) => {
        call.emit('error', toServiceError(err));
        observed.end(err);
      },
    ];
  }

  return {
    Create: unary<t.CreateRequest, Buffer>('Create', 'CreateRequest', async (req, _user, scope) => {
      const info = resolveResource(req.resource ?? '', req.object);
      return encodeWireEnvelope(info, await ops.create(target(info, req, scope), objectOf(info, req.object), req.dryRun));
    }),
    Get: unary<t.GetRequest, Envelope>('Get', 'GetRequest', async (req, _user, scope) => {
      const info = resolveResource(req.resource ?? '');
      return wireObject(info, await ops.get(target(info, req, scope)));
    }),
    List: unary<t.ListRequest, Buffer>('List', 'ListRequest', async (req, _user, scope) => {
      const info = resolveResource(req.resource ?? '');
      const params = { ...target(info, req, scope), labelSelector: req.labelSelector, fieldSelector: req.fieldSelector, limit: req.limit, continueToken: req.continueToken, resourceVersion: req.resourceVersion };
      const response = new ListResponseEncoder(info);
      const { items, metadata } = await ops.list(params, { maxBytes: LIST_BYTES_BUDGET, sizeOf: response.sizeOf });
      return response.encode(metadata, items);
    }),
    Update: unary<t.UpdateRequest, Buffer>('Update', 'UpdateRequest', async (req, _user, scope) => {
      const info = resolveResource(req.resource ?? '', req.object);
      return encodeWireEnvelope(info, await ops.update(target(info, req, scope), objectOf(info, req.object), req.dryRun));
    }),
    UpdateStatus: unary<t.UpdateRequest, Buffer>('UpdateStatus', 'UpdateRequest', async (req, _user, scope) => {
      const info = resolveResource(req.resource ?? '', req.object);
      return encodeWireEnvelope(info, await ops.updateStatus(target(info, req, scope), objectOf(info, req.object), req.dryRun, statusSubresource(req.subresource)));
    }),
    Patch: unary<t.PatchRequest, Envelope>('Patch', 'PatchRequest', async (req, _user, scope) => {
      const info = resolveResource(req.resource ?? '');
      if (req.patchType === 'apply' && !req.status) {
        if (!req.fieldManager) throw badRequest('Patch with patchType "apply" requires fieldManager to be set');
        const configuration = configurationOf(info, req.name ?? '', req.patch ?? '');
        const { object } = await ops.apply(target(info, req, scope), configuration, { force: req.force, dryRun: req.dryRun, view: info });
        return wireObject(info, object);
      }
      const patched = await ops.patch(target(info, req, scope), req.patchType ?? 'merge', req.patch ?? '{}', { status: req.status, dryRun: req.dryRun, view: info });
      return wireObject(info, patched);
    }),
    Delete: unary<t.DeleteRequest, Envelope>('Delete', 'DeleteRequest', async (req, _user, scope) => {
      const info = resolveResource(req.resource ?? '');
      return wireObject(info, await ops.delete(target(info, req, scope), req.options ?? {}));
    }),
    Bind: unary<t.BindRequest, Buffer>('Bind', 'BindRequest', async (req) => encodedOnce(REQ('Status'), await ops.bind(req))),
    Evict: unary<t.EvictRequest, t.Status>('Evict', 'EvictRequest', (req, _user, scope) => ops.evict(req, scope)),
    GetScale: unary<t.ScaleRequest, t.Scale>('GetScale', 'ScaleRequest', (req, _user, scope) => ops.getScale(target(resolveResource(req.resource ?? ''), req, scope))),
    UpdateScale: unary<t.ScaleRequest, t.Scale>('UpdateScale', 'ScaleRequest', (req, _user, scope) => ops.updateScale(target(resolveResource(req.resource ?? ''), req, scope), req.scale)),
    Version: unary<t.VersionRequest, t.VersionInfo>('Version', 'VersionRequest', async () => ops.version()),
    SubjectAccessReview: unary<t.SubjectAccessReview, t.SubjectAccessReview>('SubjectAccessReview', 'SubjectAccessReview', async (req) => subjectAccessReview(req, authorizer)),
    SelfSubjectAccessReview: unary<t.SubjectAccessReview, t.SubjectAccessReview>('SelfSubjectAccessReview', 'SubjectAccessReview', async (req, user) =>
      selfSubjectAccessReview(req, authorizer, user),
    ),
    SelfSubjectRulesReview: unary<t.SelfSubjectRulesReview, t.SelfSubjectRulesReview>('SelfSubjectRulesReview', 'SelfSubjectRulesReview', async (req, user) =>
      selfSubjectRulesReview(req, authorizer, user),
    ),
    CreateToken: unary<t.CreateTokenRequest, t.TokenRequest>('CreateToken', 'CreateTokenRequest', (req) =>
      ops.createToken({ namespace: req.namespace ?? '', name: req.name ?? '', request: req.tokenRequest ?? {}, dryRun: req.dryRun }),
    ),
    Watch: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      const observed = observe('Watch', true);
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort());
      call.on('close', () => abort.abort());
      const scope = newRequestScope();
      audited('Watch', call, scope, async () => {
        const authenticated = authenticate(deps.authenticator, call.metadata, connectionAuthContext(call));
        const req = decodeRequest<t.WatchRequest>(REQ('WatchRequest'), call.request);
        admitCall('Watch', authenticated, call.metadata, req, scope);
        observed.known(req);
        const info = resolveResource(req.resource ?? '');
        const { events } = ops.watch({ ...target(info, req, scope), labelSelector: req.labelSelector, fieldSelector: req.fieldSelector, resourceVersion: req.resourceVersion, allowWatchBookmarks: req.allowWatchBookmarks, timeoutSeconds: req.timeoutSeconds }, abort);
        if (req.batchEvents) {
          const batcher = new WatchBatcher(call, abort.signal);
          for await (const event of encodedWatch(info, events)) {
            await batcher.send(event);
            if (abort.signal.aborted) break;
          }
          await batcher.drained();
          return;
        }
        for await (const event of encodedWatch(info, events)) {
          if (!call.write(event)) await Promise.race([once(call, 'drain'), once(abort.signal, 'abort')]);
          if (abort.signal.aborted) break;
        }
      }).then(
        () => {
          call.end();
          observed.end();
        },
        (err: unknown) => {
          if (abort.signal.aborted) {
            call.end();
            return observed.end();
          }
          call.emit('error', reply(err, 'Watch'));
          observed.end(err);
        },
      );
    },
    Logs: (call: grpc.ServerWritableStream<Buffer, t.LogChunk>) => {
      const observed = observe('Logs', true);
      const cancelled = new AbortController();
      call.on('cancelled', () => cancelled.abort());
      const scope = newRequestScope();
      audited('Logs', call, scope, async () => {
        const authenticated = authenticate(deps.authenticator, call.metadata, connectionAuthContext(call));
        const req = decodeRequest<t.LogsRequest>(REQ('LogsRequest'), call.request);
        admitCall('Logs', authenticated, call.metadata, req, scope);
        observed.known(req);
        return deps.kubelets.logs(req, call, cancelled.signal);
      }).then(...streamEnd(call, observed));
    },
    Exec: (call: grpc.ServerDuplexStream<Buffer, unknown>) => relayToKubelet('Exec', 'ExecFrame', call),
    Attach: (call: grpc.ServerDuplexStream<Buffer, unknown>) => relayToKubelet('Attach', 'ExecFrame', call),
    PortForward: (call: grpc.ServerDuplexStream<Buffer, unknown>) => relayToKubelet('PortForward', 'PortForwardFrame', call),
  };
}
