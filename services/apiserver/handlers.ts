import { once } from 'node:events';
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ApiError, badRequest, conflict, invalid, toServiceError } from '../../lib/api/errors.js';
import { unwrap, wrap, type Envelope } from '../../lib/api/envelope.js';
import type * as t from '../../lib/api/generated/index.js';
import { resourceByField, type AnyObject, type ResourceInfo } from '../../lib/api/resources.js';
import type { TokenAuthenticator } from '../../lib/auth/token-file.js';
import { applyPatch } from '../../lib/patch/apply-patch.js';
import { authenticate } from './auth.js';
import { decodeRequest, encodeMessage } from './grpc-service.js';
import { strategyFor, type ScaleStrategy } from './kinds/index.js';
import type { KubeletProxy } from './kubelet-proxy.js';
import { rfc3339 } from './registry/object-meta.js';
import { MAX_OBJECT_BYTES, type Registry } from './registry/registry.js';
import { buildFilter, requestNamespace, resolveResource } from './request-context.js';
import type { Store } from './storage/store.js';
import { validateBinding } from './validation/binding.js';
import { validateDeleteOptions } from './validation/delete-options.js';
import { storageUnavailable } from './storage/unavailable.js';
import { encodeWireEnvelope } from './storage/codec.js';
import { wireObject } from './wire-object.js';
import { listPrefix, objectKey } from './storage/keys.js';
import { encodeContinueToken, type WatchCache, type WatchOut } from './watch/index.js';
import { compileFilter } from './watch/filter.js';
import { VERSION } from '../../lib/version.js';

interface HandlerDeps {
  registry: Registry;
  store: Store;
  caches: Map<string, WatchCache>;
  authenticator: TokenAuthenticator | undefined;
  kubelets: KubeletProxy;
  log: Logger;
}

/** grpc-js caps a message at 4 MiB; unpaged lists are cut below that and continue from etcd. */
const LIST_BYTES_BUDGET = 3.5 * 1024 * 1024;
const FRESHNESS_TIMEOUT_MS = 5_000;
/** The longest delay setTimeout honours (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
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

function objectOf(info: ResourceInfo, envelope: Envelope | undefined): AnyObject {
  const got = unwrap(envelope);
  if (!got) throw badRequest('the request carries no object');
  if (got.info !== info) throw badRequest(`the object kind "${got.info.kind}" does not match the resource "${info.resource}"`);
  return got.object;
}

function cacheOf(deps: HandlerDeps, info: ResourceInfo): WatchCache {
  const cache = deps.caches.get(info.resource);
  if (!cache) throw new ApiError('ServiceUnavailable', `the watch cache for ${info.resource} is not ready`);
  return cache;
}

// Serialized watch events, shared by every watcher that receives the same event object.
const encodedEvents = new WeakMap<WatchOut, Buffer>();

function encodeEvent(info: ResourceInfo, ev: WatchOut): Buffer {
  let bytes = encodedEvents.get(ev);
  if (!bytes) {
    bytes = encodeMessage(REQ('WatchEvent'), { type: ev.type, object: wireObject(info, ev.object) });
    encodedEvents.set(ev, bytes);
  }
  return bytes;
}

const encodedSizes = new WeakMap<object, number>();

function encodedSize(info: ResourceInfo, object: AnyObject): number {
  let size = encodedSizes.get(object);
  if (size === undefined) {
    size = encodeMessage(REQ('Object'), wrap(info.field, object as never)).length;
    encodedSizes.set(object, size);
  }
  return size;
}

export function resourcesHandlers(deps: HandlerDeps): grpc.UntypedServiceImplementation {
  const { registry, log } = deps;

  /** The error a client gets: ApiErrors as they are, etcd failures as retryable, the rest logged as internal. */
  function reply(err: unknown, method: string): Partial<grpc.StatusObject> {
    const apiErr = err instanceof ApiError ? err : storageUnavailable(err);
    if (!apiErr) log.error({ err, method }, 'request failed');
    else if (!(err instanceof ApiError)) log.warn({ err: (err as Error).message, method }, 'storage unavailable');
    return toServiceError(apiErr ?? err);
  }

  function unary<Req, Res>(method: string, reqType: string, fn: (req: Req) => Promise<Res>): grpc.handleUnaryCall<Buffer, Res> {
    return (call, callback) => {
      Promise.resolve()
        .then(() => {
          authenticate(deps.authenticator, call.metadata);
          const req = decodeRequest<Req>(REQ(reqType), call.request);
          if (CARRIES_OBJECT.has(method) && call.request.length > MAX_OBJECT_BYTES) throw tooLarge(req as ObjectRequest, call.request.length);
          return fn(req);
        })
        .then(
          (res) => callback(null, res),
          (err: unknown) => callback(reply(err, method)),
        );
    };
  }

  async function list(req: t.ListRequest): Promise<t.ListResponse> {
    const info = resolveResource(req.resource ?? '');
    const namespace = requestNamespace(info, req.namespace);
    const filter = buildFilter(info, namespace, req.labelSelector, req.fieldSelector);
    if (req.limit || req.continueToken) {
      const matches = compileFilter(info, filter) ?? (() => true);
      const page = await registry.list(info, namespace, {
        limit: req.limit,
        continue: req.continueToken,
        filter: matches,
        maxBytes: LIST_BYTES_BUDGET,
        sizeOf: (o) => encodedSize(info, o),
      });
      return {
        metadata: { resourceVersion: page.resourceVersion, continue: page.continue, remainingItemCount: page.remainingItemCount },
        items: page.items.map((o) => wireObject(info, o)),
      };
    }
    const cache = cacheOf(deps, info);
    if (req.resourceVersion !== '0') await cache.waitUntilFresh(await deps.store.currentRevision(), FRESHNESS_TIMEOUT_MS);
    const all = cache.list(filter, {});
    const items: Envelope[] = [];
    let bytes = 0;
    let cont = '';
    for (const object of all.items) {
      bytes += encodedSize(info, object);
      if (bytes > LIST_BYTES_BUDGET && items.length > 0) {
        const last = unwrap(items[items.length - 1])!.object.metadata!;
        cont = encodeContinueToken(all.revision, objectKey(info, last.namespace ?? '', last.name ?? ''), listPrefix(info, namespace));
        break;
      }
      items.push(wireObject(info, object));
    }
    return { metadata: { resourceVersion: String(all.revision), continue: cont }, items };
  }

  async function bind(req: t.BindRequest): Promise<t.Status> {
    const pods = resourceByField('pod');
    const binding = req.binding ?? {};
    const name = binding.metadata?.name ?? '';
    const node = binding.target?.name;
    if (!name) throw badRequest('binding.metadata.name: Required value');
    if (!node) throw badRequest('binding.target.name: Required value');
    const bindingErrors = validateBinding(binding);
    if (bindingErrors.length > 0) throw invalid('Binding', name, bindingErrors);
    const namespace = req.namespace || binding.metadata?.namespace || '';
    await registry.transform(pods, namespace, name, (object) => {
      const pod = object as t.Pod;
      if (binding.metadata?.uid && binding.metadata.uid !== pod.metadata?.uid) {
        throw conflict('pods', name, `Precondition failed: UID in precondition: ${binding.metadata.uid}, UID in object meta: ${pod.metadata?.uid ?? ''}`);
      }
      if (pod.metadata?.deletionTimestamp) throw conflict('pods/binding', name, 'pod is being deleted, cannot be assigned to a host');
      if (pod.spec?.nodeName) throw conflict('pods/binding', name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
      pod.spec = { ...pod.spec, nodeName: node };
      const now = rfc3339();
      const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'True', lastTransitionTime: now });
      pod.status = { ...pod.status, conditions };
      return pod;
    });
    return { status: 'Success', code: 201 };
  }

  function scaleOf(scale: ScaleStrategy<AnyObject>, object: AnyObject): t.Scale {
    const o = object as t.ReplicaSet;
    return {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: o.metadata?.name, namespace: o.metadata?.namespace, uid: o.metadata?.uid, resourceVersion: o.metadata?.resourceVersion, creationTimestamp: o.metadata?.creationTimestamp },
      spec: { replicas: o.spec?.replicas ?? 0 },
      status: { replicas: o.status?.replicas ?? 0, selector: scale.selector(object) },
    };
  }

  function scalable(resource: string): { info: ResourceInfo; scale: ScaleStrategy<AnyObject> } {
    const info = resolveResource(resource);
    const scale = strategyFor(info).scale;
    if (!scale) throw new ApiError('NotFound', `the server could not find the requested resource (${info.resource}/scale)`);
    return { info, scale };
  }

  return {
    Create: unary<t.CreateRequest, Buffer>('Create', 'CreateRequest', async (req) => {
      const info = resolveResource(req.resource ?? '', req.object);
      const created = await registry.create(info, requestNamespace(info, req.namespace), objectOf(info, req.object), { dryRun: req.dryRun });
      return encodeWireEnvelope(info, created);
    }),
    Get: unary<t.GetRequest, Envelope>('Get', 'GetRequest', async (req) => {
      const info = resolveResource(req.resource ?? '');
      return wireObject(info, await registry.get(info, requestNamespace(info, req.namespace), req.name ?? ''));
    }),
    List: unary<t.ListRequest, t.ListResponse>('List', 'ListRequest', list),
    Update: unary<t.UpdateRequest, Buffer>('Update', 'UpdateRequest', async (req) => {
      const info = resolveResource(req.resource ?? '', req.object);
      return encodeWireEnvelope(info, await registry.update(info, requestNamespace(info, req.namespace), objectOf(info, req.object), { dryRun: req.dryRun }));
    }),
    UpdateStatus: unary<t.UpdateRequest, Buffer>('UpdateStatus', 'UpdateRequest', async (req) => {
      const info = resolveResource(req.resource ?? '', req.object);
      return encodeWireEnvelope(info, await registry.updateStatus(info, requestNamespace(info, req.namespace), objectOf(info, req.object), { dryRun: req.dryRun }));
    }),
    Patch: unary<t.PatchRequest, Envelope>('Patch', 'PatchRequest', async (req) => {
      const info = resolveResource(req.resource ?? '');
      const namespace = requestNamespace(info, req.namespace);
      const patched = await registry.modify(info, namespace, req.name ?? '', (current) => applyPatch(info, current, req.patchType ?? 'merge', req.patch ?? '{}'), req.status ? 'status' : 'main', { dryRun: req.dryRun });
      return wireObject(info, patched);
    }),
    Delete: unary<t.DeleteRequest, Envelope>('Delete', 'DeleteRequest', async (req) => {
      const info = resolveResource(req.resource ?? '');
      const options = req.options ?? {};
      const optionErrors = validateDeleteOptions(options);
      if (optionErrors.length > 0) throw invalid('DeleteOptions', '', optionErrors);
      return wireObject(info, await registry.delete(info, requestNamespace(info, req.namespace), req.name ?? '', options));
    }),
    Bind: unary<t.BindRequest, t.Status>('Bind', 'BindRequest', bind),
    GetScale: unary<t.ScaleRequest, t.Scale>('GetScale', 'ScaleRequest', async (req) => {
      const { info, scale } = scalable(req.resource ?? '');
      return scaleOf(scale, await registry.get(info, req.namespace ?? '', req.name ?? ''));
    }),
    UpdateScale: unary<t.ScaleRequest, t.Scale>('UpdateScale', 'ScaleRequest', async (req) => {
      const { info, scale } = scalable(req.resource ?? '');
      const replicas = req.scale?.spec?.replicas ?? 0;
      const wanted = req.scale?.metadata?.resourceVersion;
      const updated = await registry.modify(info, req.namespace ?? '', req.name ?? '', (current) => {
        if (wanted && wanted !== current.metadata?.resourceVersion) {
          throw conflict(info.resource, req.name ?? '', `the object has been modified; please apply your changes to the latest version and try again (resourceVersion ${wanted} given, current is ${current.metadata?.resourceVersion ?? ''})`);
        }
        const o = current as t.ReplicaSet;
        o.spec = { ...o.spec, replicas };
        return o;
      });
      return scaleOf(scale, updated);
    }),
    Version: unary<t.VersionRequest, t.VersionInfo>('Version', 'VersionRequest', async () => ({
      gitVersion: VERSION,
      platform: `${process.platform}/${process.arch}`,
      goVersion: `node${process.versions.node}`,
    })),
    Watch: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort());
      call.on('close', () => abort.abort());
      (async () => {
        authenticate(deps.authenticator, call.metadata);
        const req = decodeRequest<t.WatchRequest>(REQ('WatchRequest'), call.request);
        const info = resolveResource(req.resource ?? '');
        const namespace = requestNamespace(info, req.namespace);
        const filter = buildFilter(info, namespace, req.labelSelector, req.fieldSelector);
        const rv = req.resourceVersion ? Number(req.resourceVersion) : 0;
        if (!Number.isInteger(rv) || rv < 0) throw badRequest(`invalid resourceVersion "${req.resourceVersion}"`);
        if (req.timeoutSeconds && req.timeoutSeconds < 0) throw badRequest(`timeoutSeconds: Invalid value: ${req.timeoutSeconds}: must be greater than or equal to 0`);
        // Node fires a longer timer at once, which would end the watch instead of keeping it open.
        if (req.timeoutSeconds) setTimeout(() => abort.abort(), Math.min(req.timeoutSeconds * 1000, MAX_TIMER_MS)).unref();
        const events = cacheOf(deps, info).watch(filter, { resourceVersion: rv, bookmarks: Boolean(req.allowWatchBookmarks), signal: abort.signal });
        for await (const ev of events) {
          if (!call.write(encodeEvent(info, ev))) await Promise.race([once(call, 'drain'), once(abort.signal, 'abort')]);
          if (abort.signal.aborted) break;
        }
      })().then(
        () => call.end(),
        (err: unknown) => {
          if (abort.signal.aborted) return call.end();
          call.emit('error', reply(err, 'Watch'));
        },
      );
    },
    Logs: (call: grpc.ServerWritableStream<Buffer, t.LogChunk>) => {
      Promise.resolve()
        .then(() => {
          authenticate(deps.authenticator, call.metadata);
          return deps.kubelets.logs(decodeRequest<t.LogsRequest>(REQ('LogsRequest'), call.request), call);
        })
        .then(
          () => call.end(),
          (err: unknown) => call.emit('error', toServiceError(err)),
        );
    },
    Exec: (call: grpc.ServerDuplexStream<Buffer, t.ExecFrame>) => {
      Promise.resolve()
        .then(() => {
          authenticate(deps.authenticator, call.metadata);
          return deps.kubelets.stream('Exec', call, (bytes) => decodeRequest<t.ExecFrame>(REQ('ExecFrame'), bytes));
        })
        .then(
          () => call.end(),
          (err: unknown) => call.emit('error', toServiceError(err)),
        );
    },
    PortForward: (call: grpc.ServerDuplexStream<Buffer, t.PortForwardFrame>) => {
      Promise.resolve()
        .then(() => {
          authenticate(deps.authenticator, call.metadata);
          return deps.kubelets.stream('PortForward', call, (bytes) => decodeRequest<t.PortForwardFrame>(REQ('PortForwardFrame'), bytes));
        })
        .then(
          () => call.end(),
          (err: unknown) => call.emit('error', toServiceError(err)),
        );
    },
  };
}
