import { ApiError, badRequest, conflict, invalid } from '../../lib/api/errors.js';
import type * as t from '../../lib/api/generated/index.js';
import { resourceByField, type AnyObject, type ResourceInfo } from '../../lib/api/resources.js';
import { fromStoredVersion, toStoredVersion } from '../../lib/api/conversion/index.js';
import { applyPatch } from '../../lib/patch/apply-patch.js';
import { VERSION } from '../../lib/version.js';
import { strategyFor, type ScaleStrategy } from './kinds/index.js';
import { bindStoredPod } from './kinds/pod-binding.js';
import { rfc3339 } from './registry/object-meta.js';
import { applyConfiguration } from './managed-fields/index.js';
import type { MetricsSource } from './metrics/index.js';
import type { Registry } from './registry/registry.js';
import { buildFilter, requestNamespace, resolveResource } from './request-context.js';
import { noteObjects, type RequestScope } from './request-scope.js';
import { listPrefix } from './storage/keys.js';
import type { Store } from './storage/store.js';
import { createServiceAccountToken, type CreateTokenParams } from './serviceaccount/token-request.js';
import type { ServiceAccountTokens } from './serviceaccount/tokens.js';
import { validateBinding } from './validation/binding.js';
import { validateDeleteOptions } from './validation/delete-options.js';
import { EXACT, validateListOptions, type ListOptionsToCheck } from './validation/list-options.js';
import { evictPod } from './eviction/evict.js';
import { encodeContinueToken, type CachedObject, type WatchCache, type WatchOut } from './watch/index.js';
import { compileFilter } from './watch/filter.js';

// What the API does, independent of the transport: the gRPC service and the HTTP API both decode
// their requests into these parameters and encode what comes back, so every rule (validation,
// defaulting, admission, storage, the watch cache) has exactly one implementation.

export interface OperationDeps {
  registry: Registry;
  store: Store;
  caches: Map<string, WatchCache>;
  /** Answers the measured kinds (metrics.k8s.io); without it they are unavailable. */
  metrics?: MetricsSource;
  /** Signs ServiceAccount tokens; without a signing key, serviceaccounts/token is not served. */
  tokens?: ServiceAccountTokens;
}

export interface Target {
  resource: string;
  namespace?: string;
  name?: string;
  /** The request this serves (see request-scope.ts); absent for the apiserver's own calls. */
  scope?: RequestScope;
}

export interface ListParams extends Target {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continueToken?: string;
  /**
   * "0" serves from the watch cache as it is; anything else waits until the cache is current, and
   * at least at this revision. With resourceVersionMatch "Exact", the list is read at exactly it.
   */
  resourceVersion?: string;
  resourceVersionMatch?: string;
  /** Only refused: a list sends no initial events (Kubernetes' ListOptions take it for watches). */
  sendInitialEvents?: boolean;
}

/**
 * One object of a list, decoded when read. One from storage also carries the bytes storage holds
 * for it and their revision, which a gRPC answer splices instead of encoding the object.
 */
export interface ListedObject {
  readonly object: AnyObject;
  readonly stored?: Buffer;
  readonly revision?: number;
}

/** A transport's limit on one list response: the list is cut there and continues from etcd. */
export interface ListBudget {
  maxBytes: number;
  sizeOf: (info: ResourceInfo, item: ListedObject) => number;
}

export interface ListOutcome {
  info: ResourceInfo;
  items: ListedObject[];
  metadata: t.ListMeta;
}

export interface WatchParams extends Target {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  /** The client resumes from its last event's resourceVersion: see the watch cache's replaySharedRevision. */
  replaySharedRevision?: boolean;
  /** Kubernetes' watch-list (see the watch cache's sendInitialEvents); needs resourceVersionMatch "NotOlderThan". */
  sendInitialEvents?: boolean;
  resourceVersionMatch?: string;
  /** Only checked: a watch takes no continue token with resourceVersionMatch. */
  continueToken?: string;
}

const FRESHNESS_TIMEOUT_MS = 5_000;
/** The longest delay setTimeout honours (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long a watch past its timeout may take to hand over the rest of its last revision. */
const WATCH_TIMEOUT_GRACE_MS = 5_000;

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

/**
 * Runs a write, keeping its objects for its audit event (its name, levels Request and
 * RequestResponse): the one sent at once, so a refused write has it too, and the answer after.
 */
async function noted(scope: RequestScope | undefined, request: AnyObject | undefined, write: () => Promise<AnyObject>): Promise<AnyObject> {
  noteObjects(scope, request, undefined);
  const response = await write();
  noteObjects(scope, request, response);
  return response;
}

/** Refuses list or watch parameters that contradict one another, as Kubernetes does (422 Invalid). */
function checkListOptions(opts: ListOptionsToCheck): void {
  const errs = validateListOptions(opts);
  if (errs.length > 0) throw invalid('ListOptions', '', errs, 'meta.k8s.io');
}

/** A resourceVersion as the etcd revision it is; undefined when none was given. */
function revisionOf(resourceVersion: string | undefined): number | undefined {
  if (!resourceVersion) return undefined;
  const rv = Number(resourceVersion);
  if (!Number.isInteger(rv) || rv < 0) throw badRequest(`invalid resourceVersion "${resourceVersion}"`);
  return rv;
}

/** What every binding answers: one shared object, so a transport can encode it once. */
export const BOUND: Readonly<t.Status> = Object.freeze({ status: 'Success', code: 201 });

export type ApiOperations = ReturnType<typeof apiOperations>;

export function apiOperations(deps: OperationDeps) {
  const { registry } = deps;

  function cacheOf(info: ResourceInfo): WatchCache {
    const cache = deps.caches.get(info.resource);
    if (!cache) throw new ApiError('ServiceUnavailable', `the watch cache for ${info.resource} is not ready`);
    return cache;
  }

  function target(req: Target): { info: ResourceInfo; namespace: string; name: string } {
    const info = resolveResource(req.resource);
    return { info, namespace: requestNamespace(info, req.namespace), name: req.name ?? '' };
  }

  /** The target of a write or watch, which only stored kinds take: the measured ones are read only. */
  function storedTarget(req: Target): { info: ResourceInfo; namespace: string; name: string } {
    const resolved = target(req);
    if (!resolved.info.stored) throw new ApiError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
    return resolved;
  }

  function metricsOf(info: ResourceInfo): MetricsSource {
    if (!deps.metrics) throw new ApiError('ServiceUnavailable', `the server is currently unable to handle the request (${info.resource}.${info.group})`);
    return deps.metrics;
  }

  async function list(req: ListParams, budget?: ListBudget): Promise<ListOutcome> {
    const { info, namespace } = target(req);
    checkListOptions({ ...req, watch: false });
    const filter = buildFilter(info, namespace, req.labelSelector, req.fieldSelector);
    if (!info.stored) return { info, items: (await metricsOf(info).list(info, filter)).map((object) => ({ object })), metadata: {} };
    const rv = revisionOf(req.resourceVersion);
    const sizeOf = (item: ListedObject): number => (budget ? budget.sizeOf(info, item) : 0);
    const exact = req.resourceVersionMatch === EXACT;
    if (req.limit || req.continueToken || exact) {
      const matches = compileFilter(info, filter);
      const page = await registry.listStored(info, namespace, {
        limit: req.limit,
        continue: req.continueToken,
        revision: exact ? rv : undefined,
        filter: matches ? (item) => matches(item.view) : () => true,
        maxBytes: budget?.maxBytes,
        sizeOf,
      });
      return { info, items: page.items, metadata: { resourceVersion: page.resourceVersion, continue: page.continue, remainingItemCount: page.remainingItemCount } };
    }
    const cache = cacheOf(info);
    if (rv !== 0) await cache.waitUntilFresh(Math.max(rv ?? 0, await deps.store.currentRevision()), FRESHNESS_TIMEOUT_MS);
    const all = cache.listCached(filter, {});
    if (!budget) return { info, items: all.items, metadata: { resourceVersion: String(all.revision), continue: '' } };
    const items: CachedObject[] = [];
    let bytes = 0;
    let cont = '';
    for (const entry of all.items) {
      bytes += sizeOf(entry);
      if (bytes > budget.maxBytes && items.length > 0) {
        cont = encodeContinueToken(all.revision, items[items.length - 1]!.key, listPrefix(info, namespace));
        break;
      }
      items.push(entry);
    }
    return { info, items, metadata: { resourceVersion: String(all.revision), continue: cont } };
  }

  /** The events of a watch after its parameters are checked; ends when the signal aborts or the timeout passes. */
  function watch(req: WatchParams, abort: AbortController): { info: ResourceInfo; events: AsyncIterable<WatchOut> } {
    const { info, namespace } = storedTarget(req);
    checkListOptions({ ...req, watch: true });
    const filter = buildFilter(info, namespace, req.labelSelector, req.fieldSelector);
    const rv = revisionOf(req.resourceVersion);
    if (req.timeoutSeconds && req.timeoutSeconds < 0) throw badRequest(`timeoutSeconds: Invalid value: ${req.timeoutSeconds}: must be greater than or equal to 0`);
    const timeout = new AbortController();
    if (req.timeoutSeconds) {
      // At its timeout a watch ends between two revisions (objects created together share one), so
      // a client resuming from the last resourceVersion it got misses nothing; a client that has
      // stopped reading is cut off a little later. Node fires a longer timer at once, which would
      // end the watch instead of keeping it open.
      const timer = setTimeout(() => {
        timeout.abort();
        setTimeout(() => abort.abort(), WATCH_TIMEOUT_GRACE_MS).unref();
      }, Math.min(req.timeoutSeconds * 1000, MAX_TIMER_MS));
      timer.unref();
    }
    const events = cacheOf(info).watch(filter, {
      // Without sendInitialEvents, "" is "0": the cache's state, then its changes. With it, no
      // resourceVersion asks for the current state, read consistently.
      resourceVersion: rv ?? (req.sendInitialEvents === undefined ? 0 : undefined),
      sendInitialEvents: req.sendInitialEvents,
      bookmarks: Boolean(req.allowWatchBookmarks),
      signal: abort.signal,
      until: timeout.signal,
      replaySharedRevision: req.replaySharedRevision,
    });
    return { info, events };
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
    const bind = (stored: Buffer): Buffer => bindStoredPod(stored, { name, node, uid: binding.metadata?.uid }, rfc3339());
    // The scheduler binds pods it has just seen on its watch, so the cache is almost always current.
    await registry.transform(pods, namespace, name, bind, deps.caches.get(pods.resource)?.stored(namespace, name));
    return BOUND;
  }

  return {
    resolve: target,
    list,
    watch,
    bind,
    async create(req: Target, object: AnyObject, dryRun?: boolean): Promise<AnyObject> {
      const { info, namespace } = storedTarget(req);
      return noted(req.scope, object, () => registry.create(info, namespace, object, { dryRun, scope: req.scope }));
    },
    async get(req: Target): Promise<AnyObject> {
      const { info, namespace, name } = target(req);
      if (!info.stored) return metricsOf(info).get(info, namespace, name);
      return registry.get(info, namespace, name);
    },
    async update(req: Target, object: AnyObject, dryRun?: boolean): Promise<AnyObject> {
      const { info, namespace } = storedTarget(req);
      return noted(req.scope, object, () => registry.update(info, namespace, object, { dryRun, scope: req.scope }));
    },
    async updateStatus(req: Target, object: AnyObject, dryRun?: boolean, subresource?: 'status' | 'approval'): Promise<AnyObject> {
      const { info, namespace } = storedTarget(req);
      return noted(req.scope, object, () => registry.updateStatus(info, namespace, object, { dryRun, subresource, scope: req.scope }));
    },
    /**
     * patchType: "merge" (RFC 7396), "json" (RFC 6902) or "strategic". Unknown fields in the result
     * are refused as invalid unless `onUnknownFields` takes them (see applyPatch). A patch written
     * against another served version (opts.view, autoscaling/v1) applies to the object in that version.
     */
    async patch(
      req: Target,
      patchType: string,
      patch: string,
      opts: { status?: boolean; dryRun?: boolean; onUnknownFields?: (fields: string[]) => void; view?: ResourceInfo } = {},
    ): Promise<AnyObject> {
      const { info, namespace, name } = storedTarget(req);
      const view = opts.view ?? info;
      const patchIn = (current: AnyObject): AnyObject => toStoredVersion(view, applyPatch(view, fromStoredVersion(view, current), patchType, patch, opts.onUnknownFields));
      return noted(req.scope, undefined, () => registry.modify(info, namespace, name, patchIn, opts.status ? 'status' : 'main', { dryRun: opts.dryRun, scope: req.scope }));
    },
    /**
     * Server-side apply of a configuration (Kubernetes JSON in the version of opts.view) under the
     * request's field manager: merged into the object, or creating it when there is none.
     */
    async apply(req: Target, configuration: Record<string, unknown>, opts: { force?: boolean; dryRun?: boolean; view?: ResourceInfo } = {}): Promise<{ object: AnyObject; created: boolean }> {
      const { info, namespace, name } = storedTarget(req);
      const view = opts.view ?? info;
      const applied = configuration as Parameters<typeof applyConfiguration>[2];
      const applyTo = (current: AnyObject | undefined): AnyObject => toStoredVersion(view, applyConfiguration(view, current && fromStoredVersion(view, current), applied, Boolean(opts.force), req.scope?.fieldManager));
      const writeOpts = { dryRun: opts.dryRun, fieldsOwned: true, scope: req.scope };
      try {
        return { object: await noted(req.scope, undefined, () => registry.modify(info, namespace, name, applyTo, 'main', writeOpts)), created: false };
      } catch (err) {
        if (!(err instanceof ApiError) || err.reason !== 'NotFound' || err.details.kind !== info.resource || err.details.name !== name) throw err;
      }
      const object = applyTo(undefined);
      object.metadata = { ...object.metadata, name, namespace: info.namespaced ? object.metadata?.namespace || namespace : undefined };
      return { object: await noted(req.scope, object, () => registry.create(info, namespace, object, writeOpts)), created: true };
    },
    async delete(req: Target, options: t.DeleteOptions): Promise<AnyObject> {
      const { info, namespace, name } = storedTarget(req);
      const optionErrors = validateDeleteOptions(options);
      if (optionErrors.length > 0) throw invalid('DeleteOptions', '', optionErrors);
      return noted(req.scope, undefined, () => registry.delete(info, namespace, name, options));
    },
    async getScale(req: Target): Promise<t.Scale> {
      const { info, scale } = scalable(req.resource);
      return scaleOf(scale, await registry.get(info, req.namespace ?? '', req.name ?? ''));
    },
    async updateScale(req: Target, scaleObject: t.Scale | undefined): Promise<t.Scale> {
      const { info, scale } = scalable(req.resource);
      const name = req.name ?? '';
      const replicas = scaleObject?.spec?.replicas ?? 0;
      const wanted = scaleObject?.metadata?.resourceVersion;
      const updated = await registry.modify(info, req.namespace ?? '', name, (current) => {
        if (wanted && wanted !== current.metadata?.resourceVersion) {
          throw conflict(info.resource, name, `the object has been modified; please apply your changes to the latest version and try again (resourceVersion ${wanted} given, current is ${current.metadata?.resourceVersion ?? ''})`);
        }
        const o = current as t.ReplicaSet;
        o.spec = { ...o.spec, replicas };
        return o;
      }, 'main', { scope: req.scope });
      return scaleOf(scale, updated);
    },
    /**
     * pods/eviction (policy/v1 Eviction): the pod's graceful delete with the eviction's options,
     * unless the PodDisruptionBudget that covers it allows no disruption now (see eviction/).
     */
    async evict(req: t.EvictRequest, scope?: RequestScope): Promise<t.Status> {
      return evictPod({ registry, scope, deletePod: (namespace, name, options) => this.delete({ resource: 'pods', namespace, name, scope }, options) }, req);
    },
    createToken: (params: CreateTokenParams): Promise<t.TokenRequest> => createServiceAccountToken(registry, deps.tokens, params),
    version(): t.VersionInfo {
      return { gitVersion: VERSION, platform: `${process.platform}/${process.arch}`, goVersion: `node${process.versions.node}` };
    },
  };
}
