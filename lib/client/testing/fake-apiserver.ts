// An in-memory kubets.v1.Resources server for unit tests of client-side code: real gRPC on
// 127.0.0.1, resourceVersions from a counter, a history of changes so watches resume from any
// version that has not been compacted, and knobs to inject failures.
import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { ApiError, alreadyExists, badRequest, conflict, gone, notFound, toServiceError, uidPreconditionFailed } from '../../api/errors.js';
import { unwrapAs, wrap } from '../../api/envelope.js';
import type { ResourcesHandlers } from '../../api/generated/kubets/v1/Resources.js';
import { selectorFromLabelSelector } from '../../labels/selector.js';
import type { ExecStart, LabelSelector, ObjectMeta, PortForwardStart, Scale, Status, TerminalSize, WatchEvent as WireWatchEvent } from '../../api/generated/index.js';
import { packageDefinition } from '../../api/proto.js';
import { applyPatch } from '../../patch/apply-patch.js';
import { resourceByField, requestNameOf, resourceByRequestName, type EnvelopeField, type KindTypes, type ResourceInfo } from '../../api/resources.js';
import { parseFieldSelector, type FieldSelector } from '../../labels/field-selector.js';
import { parseSelector, type Selector } from '../../labels/selector.js';
import { formatTime } from '../api-time.js';
import { ApiClient, type ApiClientOptions } from '../client.js';
import { keyFor } from '../keys.js';

type StoredObject = KindTypes[EnvelopeField] & { metadata: ObjectMeta };
type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';
type MethodName = keyof ResourcesHandlers & string;

interface Change {
  rv: number;
  resource: string;
  key: string;
  type: ChangeType;
  object: StoredObject;
  prev: StoredObject | undefined;
}

interface Watcher {
  info: ResourceInfo;
  namespace: string;
  labels: Selector;
  fields: FieldFilter;
  bookmarks: boolean;
  call: grpc.ServerWritableStream<unknown, WireWatchEvent>;
  timer: NodeJS.Timeout | undefined;
}

interface RecordedCall {
  method: MethodName;
  request: unknown;
  authorization: string | undefined;
}

interface FakeExecIO {
  /** The client's stdin; ends when the client sends stdinClose. */
  stdin: PassThrough;
  stdout(data: string | Buffer): void;
  stderr(data: string | Buffer): void;
  /** Every resize the client sent so far. */
  resizes: TerminalSize[];
  onResize(listener: (size: TerminalSize) => void): void;
}

/** Runs one exec; resolves with the exit code. */
type FakeExecHandler = (start: ExecStart, io: FakeExecIO) => Promise<number> | number;

export interface FakeApiServerOptions {
  /** When set, every call must carry `authorization: Bearer <token>`. */
  token?: string;
  /** Serve TLS with this certificate instead of plaintext. */
  tls?: { certPem: string; keyPem: string };
  /** How a watch from a compacted version fails: an ERROR event (as Kubernetes does) or a failed call. */
  expiredWatchAs?: 'event' | 'status';
  /** Default 0: any free port. */
  port?: number;
}

interface ContinueToken {
  rv: number;
  after: string;
}

const service = packageDefinition['kubets.v1.Resources'] as grpc.ServiceDefinition;

export class FakeApiServer {
  readonly calls: RecordedCall[] = [];
  /** Pod logs served by Logs, by `namespace/name`. */
  readonly logs = new Map<string, string[]>();
  execHandler: FakeExecHandler = defaultExecHandler;
  /**
   * Called for every authenticated call before it is served: return an ApiError to fail it,
   * 'drop' to never answer it (a hung server), or nothing to serve it normally.
   */
  intercept: ((method: MethodName, request: unknown) => ApiError | 'drop' | void) | undefined;

  private rev = 0;
  /** Tokens handed out by CreateToken so far. */
  tokensIssued = 0;
  private compactedRev = 0;
  private readonly objects = new Map<string, StoredObject>();
  private readonly history: Change[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly failures = new Map<MethodName, { err: ApiError; times: number }>();

  private constructor(
    private readonly server: grpc.Server,
    readonly port: number,
    private readonly options: FakeApiServerOptions,
  ) {}

  static async start(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
    const server = new grpc.Server();
    const credentials = options.tls
      ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(options.tls.certPem), private_key: Buffer.from(options.tls.keyPem) }])
      : grpc.ServerCredentials.createInsecure();
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${options.port ?? 0}`, credentials, (err, p) => (err ? reject(err) : resolve(p))),
    );
    const fake = new FakeApiServer(server, port, options);
    server.addService(service, fake.handlers());
    return fake;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get revision(): number {
    return this.rev;
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  /** A plaintext client of this server (with its token, if it requires one). */
  client(options: Partial<ApiClientOptions> = {}): ApiClient {
    return new ApiClient({ servers: [this.address], insecure: true, ...(this.options.token ? { token: this.options.token } : {}), ...options });
  }

  callCount(method: MethodName): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  /** Forgets the history up to now: watches and continue tokens from older versions get Expired. */
  compact(): void {
    this.compactedRev = this.rev;
    this.history.splice(0, this.history.length);
  }

  /** Fails the next `times` calls of a method with err (an ApiError reason maps to its gRPC code). */
  failNext(method: MethodName, err: ApiError, times = 1): void {
    this.failures.set(method, { err, times });
  }

  /** Ends every open watch with err, as an apiserver going away does. */
  breakWatches(err: ApiError = new ApiError('ServiceUnavailable', 'fake apiserver: watch broken')): void {
    for (const w of [...this.watchers]) {
      this.dropWatcher(w);
      w.call.emit('error', toServiceError(err));
    }
  }

  /** Sends a BOOKMARK at the current revision to every watcher that allowed bookmarks. */
  sendBookmarks(): void {
    for (const w of this.watchers) {
      if (!w.bookmarks) continue;
      const object = { apiVersion: w.info.apiVersion, kind: w.info.kind, metadata: { resourceVersion: String(this.rev) } };
      w.call.write({ type: 'BOOKMARK', object: wrap(w.info.field, object as KindTypes[EnvelopeField]) });
    }
  }

  /** The stored object, for assertions. */
  stored<F extends EnvelopeField>(field: F, namespace: string, name: string): KindTypes[F] | undefined {
    const info = resourceByField(field);
    return this.objects.get(storageKey(info, info.namespaced ? namespace : '', name)) as KindTypes[F] | undefined;
  }

  async stop(): Promise<void> {
    for (const w of [...this.watchers]) this.dropWatcher(w);
    this.server.forceShutdown();
  }

  private handlers(): ResourcesHandlers {
    return {
      Create: this.unary('Create', (req) => {
        const info = resourceInfo(req.resource);
        const obj = structuredClone(unwrapAs(info.field, req.object)) as StoredObject;
        const meta = (obj.metadata ??= {});
        const namespace = this.requestNamespace(info, req.namespace ?? '', meta.namespace ?? '');
        if (!meta.name && meta.generateName) meta.name = meta.generateName + randomBytes(3).toString('hex').slice(0, 5);
        if (!meta.name) throw new ApiError('Invalid', `${info.kind} "" is invalid: metadata.name: Required value: name or generateName is required`);
        const key = storageKey(info, namespace, meta.name);
        if (this.objects.has(key)) throw alreadyExists(info.resource, meta.name);
        Object.assign(obj, { apiVersion: info.apiVersion, kind: info.kind });
        Object.assign(meta, { namespace, uid: randomUUID(), creationTimestamp: formatTime(), generation: 1 });
        if (req.dryRun) return wrap(info.field, obj);
        return wrap(info.field, this.commit(info, key, 'ADDED', obj));
      }),
      Get: this.unary('Get', (req) => {
        const info = resourceInfo(req.resource);
        return wrap(info.field, this.existing(info, req.namespace ?? '', req.name ?? ''));
      }),
      List: this.unary('List', (req) => this.list(req)),
      Update: this.unary('Update', (req) => {
        const info = resourceInfo(req.resource);
        const obj = structuredClone(unwrapAs(info.field, req.object)) as StoredObject;
        const old = this.existingForWrite(info, req.namespace ?? '', obj.metadata);
        const next = structuredClone(obj);
        next.metadata = { ...next.metadata, ...pickImmutableMeta(old.metadata) };
        if (info.hasStatus) setStatus(next, statusOf(old));
        Object.assign(next, { apiVersion: info.apiVersion, kind: info.kind });
        next.metadata.generation = (old.metadata.generation ?? 1) + (JSON.stringify(specOf(old)) === JSON.stringify(specOf(next)) ? 0 : 1);
        if (req.dryRun) return wrap(info.field, next);
        return wrap(info.field, this.write(info, old, next));
      }),
      UpdateStatus: this.unary('UpdateStatus', (req) => {
        const info = resourceInfo(req.resource);
        const obj = unwrapAs(info.field, req.object) as StoredObject;
        const old = this.existingForWrite(info, req.namespace ?? '', obj.metadata);
        const next = structuredClone(old);
        setStatus(next, structuredClone(statusOf(obj)));
        if (req.dryRun) return wrap(info.field, next);
        return wrap(info.field, this.write(info, old, next));
      }),
      Patch: this.unary('Patch', (req) => {
        const info = resourceInfo(req.resource);
        const old = this.existing(info, req.namespace ?? '', req.name ?? '');
        const patched = structuredClone(applyPatch(info, old, req.patchType ?? 'merge', req.patch ?? '{}')) as StoredObject;
        const wantRv = patched.metadata?.resourceVersion;
        if (wantRv && wantRv !== old.metadata.resourceVersion) throw rvConflict(info, old, wantRv);
        let next: StoredObject;
        if (req.status) {
          next = structuredClone(old);
          setStatus(next, statusOf(patched));
        } else {
          next = patched;
          next.metadata = { ...(patched.metadata ?? {}), ...pickImmutableMeta(old.metadata) };
          if (info.hasStatus) setStatus(next, statusOf(old));
        }
        if (req.dryRun) return wrap(info.field, next);
        return wrap(info.field, this.write(info, old, next));
      }),
      Delete: this.unary('Delete', (req) => {
        const info = resourceInfo(req.resource);
        const old = this.existing(info, req.namespace ?? '', req.name ?? '');
        const pre = req.options?.preconditions;
        if (pre?.uid && pre.uid !== old.metadata.uid) {
          throw uidPreconditionFailed(info.resource, req.name ?? '', pre.uid, old.metadata.uid ?? '');
        }
        if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
          throw conflict(info.resource, req.name ?? '', `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
        }
        if (req.options?.dryRun) return wrap(info.field, old);
        if (old.metadata.finalizers?.length) {
          if (old.metadata.deletionTimestamp) return wrap(info.field, old);
          const next = structuredClone(old);
          next.metadata.deletionTimestamp = formatTime();
          next.metadata.deletionGracePeriodSeconds = 0;
          return wrap(info.field, this.commit(info, storageKey(info, old.metadata.namespace ?? '', old.metadata.name ?? ''), 'MODIFIED', next, old));
        }
        return wrap(info.field, this.remove(info, old));
      }),
      Watch: (call) => this.watch(call),
      Evict: this.unary('Evict', (req) => {
        const info = resourceInfo('pods');
        this.remove(info, this.existing(info, req.namespace ?? '', req.name ?? ''));
        const status: Status = { status: 'Success', code: 201 };
        return status;
      }),
      Bind: this.unary('Bind', (req) => {
        const info = resourceInfo('pods');
        const name = req.binding?.metadata?.name ?? '';
        const old = this.existing(info, req.namespace ?? '', name) as KindTypes['pod'] & StoredObject;
        const node = req.binding?.target?.name ?? '';
        if (old.spec?.nodeName) throw conflict(info.resource, name, `pod ${name} is already assigned to node "${old.spec.nodeName}"`);
        const next = structuredClone(old);
        next.spec = { ...next.spec, nodeName: node };
        this.write(info, old, next);
        const status: Status = { status: 'Success', code: 201 };
        return status;
      }),
      GetScale: this.unary('GetScale', (req) => {
        const info = scalable(req.resource);
        return scaleOf(info, this.existing(info, req.namespace ?? '', req.name ?? ''));
      }),
      UpdateScale: this.unary('UpdateScale', (req) => {
        const info = scalable(req.resource);
        const old = this.existing(info, req.namespace ?? '', req.name ?? '');
        const wantRv = req.scale?.metadata?.resourceVersion;
        if (wantRv && wantRv !== old.metadata.resourceVersion) throw rvConflict(info, old, wantRv);
        const next = structuredClone(old) as StoredObject & { spec?: { replicas?: number } };
        next.spec = { ...next.spec, replicas: req.scale?.spec?.replicas ?? 0 };
        next.metadata.generation = (old.metadata.generation ?? 1) + 1;
        return scaleOf(info, this.write(info, old, next));
      }),
      Logs: (call) => {
        if (!this.admit('Logs', call)) return;
        const req = call.request;
        const key = keyFor(req.namespace ?? '', req.name ?? '');
        if (!this.objects.has(`pods/${key}`)) {
          call.emit('error', toServiceError(notFound('pods', req.name ?? '')));
          return;
        }
        for (const chunk of this.logs.get(key) ?? []) call.write({ data: Buffer.from(chunk) });
        if (!req.follow) call.end();
      },
      Exec: (call) => this.exec(call),
      // An attach runs the exec handler with the start frame as sent (no command).
      Attach: (call) => this.exec(call),
      PortForward: (call) => this.portForward(call),
      Version: this.unary('Version', () => ({ gitVersion: 'v0.0.0-fake', platform: `${process.platform}/${process.arch}` })),
      // The fake authorizes nothing: every question gets a yes, and a rules review lists no rules.
      SubjectAccessReview: this.unary('SubjectAccessReview', (req) => ({ ...req, status: { allowed: true } })),
      SelfSubjectAccessReview: this.unary('SelfSubjectAccessReview', (req) => ({ ...req, status: { allowed: true } })),
      SelfSubjectRulesReview: this.unary('SelfSubjectRulesReview', (req) => ({ ...req, status: { incomplete: true } })),
      // An opaque token per request (counted, so a refresh shows), valid for the seconds asked.
      CreateToken: this.unary('CreateToken', (req) => {
        const seconds = Number(req.tokenRequest?.spec?.expirationSeconds ?? 3600);
        const token = `fake-token.${req.namespace ?? ''}.${req.name ?? ''}.${++this.tokensIssued}`;
        return { ...req.tokenRequest, status: { token, expirationTimestamp: new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z') } };
      }),
    };
  }

  private unary<Req, Res>(method: MethodName, fn: (req: Req) => Res): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      if (!this.admit(method, call, (err) => callback(toServiceError(err)))) return;
      try {
        callback(null, fn(call.request));
      } catch (err) {
        callback(toServiceError(err));
      }
    };
  }

  /** Records the call and applies authentication and injected failures; false when the call was failed. */
  private admit(
    method: MethodName,
    call: { request?: unknown; metadata: grpc.Metadata; emit(event: 'error', err: unknown): boolean },
    fail: (err: ApiError) => void = (err) => call.emit('error', toServiceError(err)),
  ): boolean {
    const auth = call.metadata.get('authorization')[0];
    this.calls.push({ method, request: call.request, authorization: typeof auth === 'string' ? auth : undefined });
    if (this.options.token && auth !== `Bearer ${this.options.token}`) {
      fail(new ApiError('Unauthorized', 'Unauthorized'));
      return false;
    }
    const verdict = this.intercept?.(method, call.request);
    if (verdict === 'drop') return false;
    if (verdict) {
      fail(verdict);
      return false;
    }
    const injected = this.failures.get(method);
    if (injected) {
      if (--injected.times <= 0) this.failures.delete(method);
      fail(injected.err);
      return false;
    }
    return true;
  }

  private requestNamespace(info: ResourceInfo, requested: string, inObject: string): string {
    if (!info.namespaced) return '';
    if (requested && inObject && requested !== inObject) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const namespace = requested || inObject;
    if (!namespace) throw badRequest('namespace is required');
    return namespace;
  }

  private existing(info: ResourceInfo, namespace: string, name: string): StoredObject {
    const obj = this.objects.get(storageKey(info, info.namespaced ? namespace : '', name));
    if (!obj) throw notFound(info.resource, name);
    return obj;
  }

  /** The stored object an update names, after the compare-and-swap on its resourceVersion. */
  private existingForWrite(info: ResourceInfo, namespace: string, meta: ObjectMeta | undefined): StoredObject {
    const ns = this.requestNamespace(info, namespace, meta?.namespace ?? '');
    const old = this.existing(info, ns, meta?.name ?? '');
    if (meta?.resourceVersion && meta.resourceVersion !== old.metadata.resourceVersion) throw rvConflict(info, old, meta.resourceVersion);
    return old;
  }

  /**
   * Stores an update; an object being deleted whose last finalizer went away is removed instead.
   * As the real registry does, an update that changes nothing is not written (same resourceVersion).
   */
  private write(info: ResourceInfo, old: StoredObject, next: StoredObject): StoredObject {
    if (next.metadata.deletionTimestamp && !next.metadata.finalizers?.length) return this.remove(info, next, old);
    if (JSON.stringify({ ...next, metadata: { ...next.metadata, resourceVersion: old.metadata.resourceVersion } }) === JSON.stringify(old)) return old;
    return this.commit(info, storageKey(info, old.metadata.namespace ?? '', old.metadata.name ?? ''), 'MODIFIED', next, old);
  }

  private remove(info: ResourceInfo, obj: StoredObject, prev: StoredObject = obj): StoredObject {
    return this.commit(info, storageKey(info, obj.metadata.namespace ?? '', obj.metadata.name ?? ''), 'DELETED', structuredClone(obj), prev);
  }

  private commit(info: ResourceInfo, key: string, type: ChangeType, object: StoredObject, prev?: StoredObject): StoredObject {
    this.rev++;
    object.metadata.resourceVersion = String(this.rev);
    if (type === 'DELETED') this.objects.delete(key);
    else this.objects.set(key, object);
    const change: Change = { rv: this.rev, resource: requestNameOf(info), key, type, object, prev };
    this.history.push(change);
    for (const w of this.watchers) if (w.info === info) this.send(w, change);
    return object;
  }

  private list(req: { resource?: string; namespace?: string; labelSelector?: string; fieldSelector?: string; limit?: number; continueToken?: string }) {
    const info = resourceInfo(req.resource);
    const labels = parseLabels(req.labelSelector);
    const fields = parseFields(req.fieldSelector);
    let rv = this.rev;
    let after = '';
    if (req.continueToken) {
      const token = decodeContinue(req.continueToken);
      if (token.rv < this.compactedRev) {
        throw new ApiError('Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      }
      ({ rv, after } = token);
    }
    const prefix = `${requestNameOf(info)}/${info.namespaced && req.namespace ? `${req.namespace}/` : ''}`;
    const matching = [...this.stateAt(info, rv)]
      .filter(([key, obj]) => key.startsWith(prefix) && key > `${requestNameOf(info)}/${after}` && labels.matches(obj.metadata.labels) && fields(obj))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const limit = req.limit && req.limit > 0 ? req.limit : matching.length;
    const page = matching.slice(0, limit);
    const more = matching.length > page.length;
    const lastKey = page.at(-1)?.[0].slice(requestNameOf(info).length + 1) ?? '';
    return {
      metadata: {
        resourceVersion: String(rv),
        continue: more ? encodeContinue({ rv, after: lastKey }) : '',
        ...(more ? { remainingItemCount: matching.length - page.length } : {}),
      },
      items: page.map(([, obj]) => wrap(info.field, obj)),
    };
  }

  /** The objects of one resource as they were at revision rv, rebuilt by undoing later changes. */
  private stateAt(info: ResourceInfo, rv: number): Map<string, StoredObject> {
    const state = new Map([...this.objects].filter(([key]) => key.startsWith(`${requestNameOf(info)}/`)));
    for (let i = this.history.length - 1; i >= 0 && this.history[i]!.rv > rv; i--) {
      const change = this.history[i]!;
      if (change.resource !== requestNameOf(info)) continue;
      if (change.prev && change.type !== 'ADDED') state.set(change.key, change.prev);
      else state.delete(change.key);
    }
    return state;
  }

  private watch(call: grpc.ServerWritableStream<{ resource?: string; namespace?: string; labelSelector?: string; fieldSelector?: string; resourceVersion?: string; allowWatchBookmarks?: boolean; timeoutSeconds?: number }, WireWatchEvent>): void {
    if (!this.admit('Watch', call)) return;
    const req = call.request;
    let watcher: Watcher;
    try {
      const info = resourceInfo(req.resource);
      watcher = {
        info,
        namespace: info.namespaced ? (req.namespace ?? '') : '',
        labels: parseLabels(req.labelSelector),
        fields: parseFields(req.fieldSelector),
        bookmarks: req.allowWatchBookmarks ?? false,
        call: call as grpc.ServerWritableStream<unknown, WireWatchEvent>,
        timer: undefined,
      };
    } catch (err) {
      call.emit('error', toServiceError(err));
      return;
    }
    const from = req.resourceVersion ?? '';
    if (from === '' || from === '0') {
      for (const [key, obj] of [...this.stateAt(watcher.info, this.rev)].sort(([a], [b]) => (a < b ? -1 : 1))) {
        if (this.visible(watcher, key, obj)) call.write({ type: 'ADDED', object: wrap(watcher.info.field, obj) });
      }
    } else {
      const rv = Number(from);
      if (!Number.isInteger(rv)) {
        call.emit('error', toServiceError(badRequest(`invalid resourceVersion ${JSON.stringify(from)}`)));
        return;
      }
      if (rv < this.compactedRev) {
        const err = gone(`too old resource version: ${rv} (${this.compactedRev})`);
        if (this.options.expiredWatchAs === 'status') call.emit('error', toServiceError(err));
        else {
          call.write({ type: 'ERROR', status: err.toStatus() });
          call.end();
        }
        return;
      }
      for (const change of this.history) if (change.rv > rv && change.resource === requestNameOf(watcher.info)) this.send(watcher, change);
    }
    this.watchers.add(watcher);
    if (req.timeoutSeconds) {
      watcher.timer = setTimeout(() => {
        this.dropWatcher(watcher);
        call.end();
      }, req.timeoutSeconds * 1000);
    }
    call.on('cancelled', () => this.dropWatcher(watcher));
  }

  private dropWatcher(w: Watcher): void {
    clearTimeout(w.timer);
    this.watchers.delete(w);
  }

  private visible(w: Watcher, key: string, obj: StoredObject | undefined): boolean {
    if (!obj) return false;
    if (w.namespace && !key.startsWith(`${requestNameOf(w.info)}/${w.namespace}/`)) return false;
    return w.labels.matches(obj.metadata.labels) && w.fields(obj);
  }

  /** Kubernetes' filtered watch: an object entering the selection is ADDED, one leaving it DELETED. */
  private send(w: Watcher, change: Change): void {
    const now = change.type !== 'DELETED' && this.visible(w, change.key, change.object);
    const before = this.visible(w, change.key, change.prev);
    let type: ChangeType | undefined;
    let object = change.object;
    if (change.type === 'DELETED') type = before ? 'DELETED' : undefined;
    else if (now) type = before ? 'MODIFIED' : 'ADDED';
    else if (before) {
      // Kubernetes sends the last matching state, at the revision where it stopped matching.
      type = 'DELETED';
      object = { ...change.prev!, metadata: { ...change.prev!.metadata, resourceVersion: change.object.metadata.resourceVersion } };
    }
    if (type) w.call.write({ type, object: wrap(w.info.field, object) });
  }

  /** Every pod's ports are on this host: a forwarded connection goes to 127.0.0.1 at the asked port. */
  private portForward(call: grpc.ServerDuplexStream<{ start?: PortForwardStart; data?: Buffer; close?: boolean }, unknown>): void {
    if (!this.admit('PortForward', call)) return;
    let socket: Socket | undefined;
    call.on('data', (frame: { start?: PortForwardStart; data?: Buffer; close?: boolean }) => {
      if (frame.start && !socket) {
        if (!this.objects.has(`pods/${keyFor(frame.start.namespace ?? '', frame.start.name ?? '')}`)) {
          call.emit('error', toServiceError(notFound('pods', frame.start.name ?? '')));
          return;
        }
        socket = connect({ host: '127.0.0.1', port: frame.start.port ?? 0, allowHalfOpen: true });
        socket.on('data', (data: Buffer) => call.write({ data }));
        socket.on('end', () => {
          call.write({ close: true });
          call.end();
        });
        socket.on('error', (err) => call.emit('error', toServiceError(badRequest(`error forwarding port ${frame.start?.port}: ${err.message}`))));
      } else if (frame.data) socket?.write(frame.data);
      else if (frame.close) socket?.end();
    });
    call.on('end', () => socket?.end());
    call.on('cancelled', () => socket?.destroy());
  }

  private exec(call: grpc.ServerDuplexStream<{ start?: ExecStart; stdin?: Buffer; stdinClose?: boolean; resize?: TerminalSize }, unknown>): void {
    if (!this.admit('Exec', call)) return;
    const stdin = new PassThrough();
    const resizeListeners: ((size: TerminalSize) => void)[] = [];
    const io: FakeExecIO = {
      stdin,
      stdout: (data) => call.write({ stdout: Buffer.from(data) }),
      stderr: (data) => call.write({ stderr: Buffer.from(data) }),
      resizes: [],
      onResize: (listener) => resizeListeners.push(listener),
    };
    let started = false;
    call.on('data', (frame: { start?: ExecStart; stdin?: Buffer; stdinClose?: boolean; resize?: TerminalSize }) => {
      if (frame.start && !started) {
        started = true;
        Promise.resolve()
          .then(() => this.execHandler(frame.start!, io))
          .then(
            (exitCode) => {
              call.write({ exitCode });
              call.end();
            },
            (err) => call.emit('error', toServiceError(err)),
          );
      } else if (frame.stdin) stdin.write(frame.stdin);
      else if (frame.stdinClose) stdin.end();
      else if (frame.resize) {
        io.resizes.push(frame.resize);
        for (const l of resizeListeners) l(frame.resize);
      }
    });
    call.on('end', () => stdin.end());
  }
}

type FieldFilter = (obj: StoredObject) => boolean;

function parseLabels(selector: string | undefined): Selector {
  try {
    return parseSelector(selector ?? '');
  } catch (err) {
    throw badRequest(`unable to parse requirement: ${(err as Error).message}`);
  }
}

const SUPPORTED_FIELDS = ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase', 'involvedObject.kind', 'involvedObject.name'];

/** The fields every kind supports in the apiserver, plus `spec.nodeName`, `status.phase` and events' `involvedObject` ones for all kinds. */
function parseFields(selector: string | undefined): FieldFilter {
  let parsed: FieldSelector;
  try {
    parsed = parseFieldSelector(selector ?? '');
  } catch (err) {
    throw badRequest((err as Error).message);
  }
  for (const r of parsed.requirements) {
    if (!SUPPORTED_FIELDS.includes(r.field)) throw badRequest(`field label not supported: ${r.field}`);
  }
  return (obj) => parsed.matches((field) => readField(obj, field));
}

function readField(obj: StoredObject, path: string): string | undefined {
  let cur: unknown = obj;
  for (const p of path.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return typeof cur === 'string' ? cur : undefined;
}

function resourceInfo(resource: string | undefined): ResourceInfo {
  const info = resourceByRequestName(resource ?? '');
  if (!info) throw new ApiError('NotFound', `the server could not find the requested resource (${resource})`);
  return info;
}

function scalable(resource: string | undefined): ResourceInfo {
  const info = resourceInfo(resource);
  if (!info.hasScale) throw new ApiError('NotFound', `${info.resource} has no scale subresource`);
  return info;
}

function storageKey(info: ResourceInfo, namespace: string, name: string): string {
  return `${requestNameOf(info)}/${keyFor(namespace, name)}`;
}

function pickImmutableMeta(meta: ObjectMeta): ObjectMeta {
  const out: ObjectMeta = {};
  for (const k of ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'resourceVersion'] as const) {
    if (meta[k] !== undefined) (out as Record<string, unknown>)[k] = meta[k];
  }
  return out;
}

function statusOf(obj: object): unknown {
  return (obj as { status?: unknown }).status;
}

function specOf(obj: object): unknown {
  return (obj as { spec?: unknown }).spec;
}

function setStatus(obj: object, status: unknown): void {
  const target = obj as { status?: unknown };
  if (status === undefined) delete target.status;
  else target.status = status;
}

function rvConflict(info: ResourceInfo, old: StoredObject, wanted: string): ApiError {
  return conflict(
    info.resource,
    old.metadata.name ?? '',
    `the object has been modified; please apply your changes to the latest version and try again (resourceVersion ${wanted}, current ${old.metadata.resourceVersion})`,
  );
}

function scaleOf(info: ResourceInfo, obj: StoredObject): Scale {
  const o = obj as StoredObject & { spec?: { replicas?: number; selector?: LabelSelector | Record<string, string> }; status?: { replicas?: number } };
  // A ReplicationController's selector is a plain map; the apps kinds' a LabelSelector.
  const selector = info.field === 'replicationController' ? { matchLabels: o.spec?.selector as Record<string, string> } : (o.spec?.selector as LabelSelector | undefined);
  const m = o.metadata;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name: m.name ?? '', namespace: m.namespace ?? '', uid: m.uid ?? '', resourceVersion: m.resourceVersion ?? '', creationTimestamp: m.creationTimestamp ?? '' },
    spec: { replicas: o.spec?.replicas ?? 0 },
    status: { replicas: o.status?.replicas ?? 0, selector: selectorFromLabelSelector(selector).toString() },
  };
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(value: string): ContinueToken {
  try {
    const token = JSON.parse(Buffer.from(value, 'base64url').toString()) as ContinueToken;
    if (typeof token.rv === 'number' && typeof token.after === 'string') return token;
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid');
}

/** `echo ARGS` prints them, `cat` copies stdin to stdout, `exit N` exits with N; anything else exits 127. */
async function defaultExecHandler(start: ExecStart, io: FakeExecIO): Promise<number> {
  const [cmd, ...args] = start.command ?? [];
  switch (cmd) {
    case 'echo':
      io.stdout(`${args.join(' ')}\n`);
      return 0;
    case 'cat':
      for await (const chunk of io.stdin) io.stdout(chunk as Buffer);
      return 0;
    case 'exit':
      return Number(args[0] ?? 0);
    default:
      io.stderr(`${cmd ?? ''}: command not found\n`);
      return 127;
  }
}
