import { ApiError, isApiError, type StatusReason } from '../api/errors.js';
import { unwrapAs, wrap } from '../api/envelope.js';
import type { CreateRequest, DeleteOptions, Object as Envelope, Status, WatchEvent as WireWatchEvent } from '../api/generated/index.js';
import { requestNameOf, type EnvelopeField, type KindTypes, type ResourceInfo } from '../api/resources.js';
import type { KubeObject } from './keys.js';
import type { Transport } from './transport.js';

export interface CallOptions {
  /** Overrides the client's deadline for this call. */
  deadlineMs?: number;
  signal?: AbortSignal;
}

export interface CreateOptions extends CallOptions {
  dryRun?: boolean;
  /** Who owns the fields written (metadata.managedFields); the server names the client by its user agent without it. */
  fieldManager?: string;
  /** Defaults to the object's metadata.namespace. */
  namespace?: string;
}

export interface UpdateOptions extends CallOptions {
  dryRun?: boolean;
  fieldManager?: string;
}

export interface ListOptions extends CallOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  /** "0" may be served from the apiserver's watch cache; empty reads the latest state. */
  resourceVersion?: string;
}

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
  continue: string;
  remainingItemCount?: number;
}

/** 'apply' is server-side apply: the patch is the applied configuration, fieldManager is required. */
export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export interface PatchOptions extends CallOptions {
  /** Defaults to 'merge' (RFC 7396). */
  type?: PatchType;
  /** Patch the status subresource. */
  status?: boolean;
  dryRun?: boolean;
  fieldManager?: string;
  /** Apply only: take fields other managers own instead of failing with a conflict. */
  force?: boolean;
}

export type DeleteCallOptions = DeleteOptions & CallOptions;

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Resume after this version; empty starts with an ADDED event for every existing object. */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  /** Ends the iteration (without an error) and cancels the call. */
  signal?: AbortSignal;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent<T> {
  type: WatchEventType;
  /** For BOOKMARK only metadata.resourceVersion is meaningful. */
  object: T;
}

export const DEFAULT_LIST_PAGE_SIZE = 500;
// A continue token expires when etcd compacts past the first page's revision; starting the paged
// list over gets a fresh snapshot, but a cluster compacting faster than we can page must not loop.
const MAX_LIST_RESTARTS = 3;

/** True for the errors that mean "the version you asked for is compacted away: relist". */
export function isExpiredError(err: unknown): boolean {
  return isApiError(err, 'Expired') || isApiError(err, 'Gone');
}

/** Typed calls for one kind. Namespace is '' for cluster-scoped kinds (and for all namespaces in list/watch). */
export class ResourceClient<T extends KubeObject> {
  constructor(
    private readonly transport: Transport,
    readonly info: ResourceInfo,
  ) {}

  private get field(): EnvelopeField {
    return this.info.field;
  }

  /** `pods` for Pods, `pods.metrics.k8s.io` for PodMetrics, `horizontalpodautoscalers.v1.autoscaling` for HPAs read as v1. */
  private get requestName(): string {
    return requestNameOf(this.info);
  }

  async create(obj: T, opts: CreateOptions = {}): Promise<T> {
    return this.unwrap(await this.transport.unary('Create', this.createRequest(obj, opts), { idempotent: false, ...callOpts(opts) }));
  }

  /**
   * Creates the object and resolves once the server has stored it, without decoding the object the
   * server answers with: for writers that keep nothing of it but what they sent (an event recorder).
   */
  async createIgnoringResult(obj: T, opts: CreateOptions = {}): Promise<void> {
    await this.transport.unaryIgnoringResponse('Create', this.createRequest(obj, opts), { idempotent: false, ...callOpts(opts) });
  }

  private createRequest(obj: T, opts: CreateOptions): CreateRequest {
    const namespace = this.info.namespaced ? (opts.namespace ?? obj.metadata?.namespace ?? '') : '';
    return { resource: this.requestName, namespace, object: this.wrap(obj), dryRun: opts.dryRun ?? false, fieldManager: opts.fieldManager ?? '' };
  }

  async get(namespace: string, name: string, opts: CallOptions = {}): Promise<T> {
    const res = await this.transport.unary(
      'Get',
      { resource: this.requestName, namespace: this.ns(namespace), name },
      { idempotent: true, ...callOpts(opts) },
    );
    return this.unwrap(res);
  }

  async list(namespace: string, opts: ListOptions = {}): Promise<ListResult<T>> {
    const res = await this.transport.unary(
      'List',
      {
        resource: this.requestName,
        namespace: this.ns(namespace),
        labelSelector: opts.labelSelector ?? '',
        fieldSelector: opts.fieldSelector ?? '',
        limit: opts.limit ?? 0,
        continueToken: opts.continue ?? '',
        resourceVersion: opts.resourceVersion ?? '',
      },
      { idempotent: true, ...callOpts(opts) },
    );
    const result: ListResult<T> = {
      items: (res.items ?? []).map((item) => this.unwrap(item)),
      resourceVersion: res.metadata?.resourceVersion ?? '',
      continue: res.metadata?.continue ?? '',
    };
    if (res.metadata?.remainingItemCount != null) result.remainingItemCount = res.metadata.remainingItemCount;
    return result;
  }

  /**
   * Lists in pages of `limit` (default 500) and returns every item with the first page's
   * resourceVersion: all pages are one consistent snapshot, so a watch can resume from it.
   */
  async listAll(namespace: string, opts: Omit<ListOptions, 'continue'> = {}): Promise<{ items: T[]; resourceVersion: string }> {
    const limit = opts.limit ?? DEFAULT_LIST_PAGE_SIZE;
    for (let attempt = 1; ; attempt++) {
      const items: T[] = [];
      let resourceVersion = '';
      let cont = '';
      try {
        do {
          // The apiserver rejects a resourceVersion together with a continue token.
          const page = await this.list(namespace, cont ? { ...opts, limit, continue: cont, resourceVersion: '' } : { ...opts, limit });
          if (!cont) resourceVersion = page.resourceVersion;
          items.push(...page.items);
          cont = page.continue;
        } while (cont);
        return { items, resourceVersion };
      } catch (err) {
        if (!cont || !isExpiredError(err) || attempt >= MAX_LIST_RESTARTS) throw err;
      }
    }
  }

  /** A compare-and-swap when obj carries metadata.resourceVersion (and then retried on another server if needed). */
  async update(obj: T, opts: UpdateOptions = {}): Promise<T> {
    return this.sendUpdate('Update', obj, opts);
  }

  async updateStatus(obj: T, opts: UpdateOptions = {}): Promise<T> {
    return this.sendUpdate('UpdateStatus', obj, opts);
  }

  /** Writes a CertificateSigningRequest's decision (its Approved or Denied condition) through the approval subresource. */
  async updateApproval(obj: T, opts: UpdateOptions = {}): Promise<T> {
    return this.sendUpdate('UpdateStatus', obj, opts, 'approval');
  }

  async patch(namespace: string, name: string, patch: object | string, opts: PatchOptions = {}): Promise<T> {
    const res = await this.transport.unary(
      'Patch',
      {
        resource: this.requestName,
        namespace: this.ns(namespace),
        name,
        patchType: opts.type ?? 'merge',
        patch: typeof patch === 'string' ? patch : JSON.stringify(patch),
        status: opts.status ?? false,
        dryRun: opts.dryRun ?? false,
        fieldManager: opts.fieldManager ?? '',
        force: opts.force ?? false,
      },
      { idempotent: false, ...callOpts(opts) },
    );
    return this.unwrap(res);
  }

  /** Returns the object as the server returned it: gone, or marked with deletionTimestamp while finalizers or a grace period run. */
  async delete(namespace: string, name: string, opts: DeleteCallOptions = {}): Promise<T> {
    const { deadlineMs, signal, ...options } = opts;
    const preconditions = options.preconditions;
    const res = await this.transport.unary(
      'Delete',
      { resource: this.requestName, namespace: this.ns(namespace), name, options },
      { idempotent: Boolean(preconditions?.uid || preconditions?.resourceVersion), ...callOpts({ deadlineMs, signal }) },
    );
    return this.unwrap(res);
  }

  /** Events until the server ends the stream or the signal aborts; an ERROR event or a failed stream throws ApiError. */
  async *watch(namespace: string, opts: WatchOptions = {}): AsyncGenerator<WatchEvent<T>> {
    const request = {
      resource: this.requestName,
      namespace: this.ns(namespace),
      labelSelector: opts.labelSelector ?? '',
      fieldSelector: opts.fieldSelector ?? '',
      resourceVersion: opts.resourceVersion ?? '',
      allowWatchBookmarks: opts.allowWatchBookmarks ?? false,
      timeoutSeconds: opts.timeoutSeconds ?? 0,
      // A busy apiserver then sends the events waiting for this watch together, not one message each.
      batchEvents: true,
    };
    for await (const message of this.transport.serverStream('Watch', request, opts.signal)) {
      for (const event of [message, ...(message.following ?? [])]) yield this.watchEvent(event);
    }
  }

  private watchEvent(event: WireWatchEvent): WatchEvent<T> {
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED':
        return { type: event.type, object: this.unwrap(event.object) };
      case 'BOOKMARK':
        return { type: 'BOOKMARK', object: (event.object?.[this.field] ?? {}) as T };
      case 'ERROR':
        throw apiErrorFromStatus(event.status);
      default:
        throw new ApiError('InternalError', `unknown watch event type ${JSON.stringify(event.type)}`);
    }
  }

  private async sendUpdate(method: 'Update' | 'UpdateStatus', obj: T, opts: UpdateOptions, subresource = ''): Promise<T> {
    const res = await this.transport.unary(
      method,
      { resource: this.requestName, namespace: this.ns(obj.metadata?.namespace ?? ''), object: this.wrap(obj), dryRun: opts.dryRun ?? false, subresource, fieldManager: opts.fieldManager ?? '' },
      { idempotent: Boolean(obj.metadata?.resourceVersion), ...callOpts(opts) },
    );
    return this.unwrap(res);
  }

  private ns(namespace: string): string {
    return this.info.namespaced ? namespace : '';
  }

  private wrap(obj: T): Envelope {
    return wrap(this.field, obj as KindTypes[EnvelopeField]);
  }

  private unwrap(envelope: Envelope | undefined): T {
    return unwrapAs(this.field, envelope) as T;
  }
}

export function callOpts(opts: CallOptions): CallOptions {
  const out: CallOptions = {};
  if (opts.deadlineMs !== undefined) out.deadlineMs = opts.deadlineMs;
  if (opts.signal) out.signal = opts.signal;
  return out;
}

/** The ApiError a watch ERROR event's Status stands for. */
export function apiErrorFromStatus(status: Status | undefined): ApiError {
  const reason = (status?.reason || 'InternalError') as StatusReason;
  return new ApiError(reason, status?.message || 'watch failed', status?.details ?? {});
}
