import { isIP } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { APISERVER_SERVICE_NAMES } from '../certs/names.js';
import { LEAN_CHANNEL_OPTIONS, WIDE_RECEIVE_WINDOW } from '../grpc-options.js';
import type { MethodDefinition } from '@grpc/proto-loader';
import type { Logger } from 'pino';
import { ApiError, fromServiceError, statusOf } from '../api/errors.js';
import type { ResourcesDefinition } from '../api/generated/kubets/v1/Resources.js';
import { packageDefinition } from '../api/proto.js';
import { WARNING_METADATA } from '../api/warnings.js';
import { DeadlineSweep } from './deadline-sweep.js';
import { encodeRequest } from './request-encoding.js';
import { diagnoseTls } from './tls-diagnosis.js';

let resources: ResourcesDefinition | undefined;
/** The service's methods, looked up on the first call and kept: every call reads them. */
const service = (): ResourcesDefinition => (resources ??= packageDefinition['kubets.v1.Resources'] as unknown as ResourcesDefinition);

type Methods = ResourcesDefinition;
type UnaryMethod =
  | 'Create'
  | 'Get'
  | 'List'
  | 'Update'
  | 'UpdateStatus'
  | 'Patch'
  | 'Delete'
  | 'Bind'
  | 'GetScale'
  | 'UpdateScale'
  | 'Version'
  | 'SubjectAccessReview'
  | 'SelfSubjectAccessReview'
  | 'SelfSubjectRulesReview'
  | 'CreateToken'
  | 'Evict';
type ServerStreamMethod = 'Watch' | 'Logs';
type RequestOf<M extends keyof Methods> = Methods[M] extends MethodDefinition<infer Req, infer _Res, infer _ReqOut, infer _ResOut> ? Req : never;
type ResponseOf<M extends keyof Methods> = Methods[M] extends MethodDefinition<infer _Req, infer _Res, infer _ReqOut, infer ResOut> ? ResOut : never;

export interface Impersonation {
  user: string;
  groups?: string[];
}

interface TransportOptions {
  servers: string[];
  credentials: grpc.ChannelCredentials;
  token: string | undefined;
  /** Whom every call acts as (`impersonate-user`, `impersonate-group` metadata), when the caller may. */
  impersonate: Impersonation | undefined;
  deadlineMs: number;
  connectTimeoutMs: number;
  log: Logger | undefined;
  onWarning: ((message: string) => void) | undefined;
  /** The CA the connection trusts (TLS only): a failed connection is checked for a certificate problem with it. */
  ca: Buffer | undefined;
}

interface UnaryCallOptions {
  /**
   * Safe to send again after the server may already have acted on it (reads, CAS writes). Only
   * these are retried on another server when a call fails as UNAVAILABLE after it was sent.
   */
  idempotent: boolean;
  deadlineMs?: number;
  signal?: AbortSignal;
}

// Keepalive pings find a silently dead apiserver under a long watch; short reconnect backoff lets a
// restarted apiserver be used again within seconds. The wide receive window keeps a busy
// apiserver's watch events flowing: with 64 KiB, under a burst of pod creates, watchers fell tens
// of seconds behind the writes.
const channelOptions: grpc.ClientOptions = {
  ...LEAN_CHANNEL_OPTIONS,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.initial_reconnect_backoff_ms': 500,
  'grpc.max_reconnect_backoff_ms': 5_000,
  ...WIDE_RECEIVE_WINDOW,
};

/**
 * TLS forbids an IP address as the server name, so a server addressed by IP is verified against the
 * name every apiserver certificate carries (lib/certs APISERVER_SERVICE_NAMES).
 */
function optionsFor(address: string, credentials: grpc.ChannelCredentials): grpc.ClientOptions {
  const host = address.startsWith('[') ? address.slice(1, address.indexOf(']')) : address.replace(/:\d+$/, '');
  if (!credentials._isSecure() || !isIP(host)) return channelOptions;
  return { ...channelOptions, 'grpc.ssl_target_name_override': APISERVER_SERVICE_NAMES[0]! };
}

interface Endpoint {
  address: string;
  client: grpc.Client;
}

/**
 * One grpc channel per apiserver and a notion of the current one. Every call goes to the current
 * server; an unreachable server makes the next one current.
 *
 * Retry rules: before sending, the call waits until the current server's connection is up (at most
 * connectTimeoutMs); a server that cannot be connected to is skipped, for every kind of call, since
 * nothing was sent. Once sent, a call that fails as UNAVAILABLE is sent again to the next server
 * only if it is idempotent. Every server is tried at most once per call.
 */
export class Transport {
  private readonly endpoints: Endpoint[];
  private current = 0;
  private readonly log: Logger | undefined;
  /** The metadata of every call; grpc-js copies it when a call starts, so one instance serves all. */
  private readonly metadata: grpc.Metadata;
  /** The deadlines of the unary calls in flight, on every endpoint. */
  private readonly deadlines = new DeadlineSweep();

  constructor(private readonly options: TransportOptions) {
    this.endpoints = options.servers.map((address) => ({
      address,
      client: new grpc.Client(address, options.credentials, optionsFor(address, options.credentials)),
    }));
    this.log = options.log;
    this.metadata = callMetadata(options);
  }

  /**
   * Connects anew with other credentials (a renewed client certificate): calls from now on use new
   * channels, and the old channels are closed, so no connection keeps the old identity (as the
   * kubelet closes its connections after rotating its certificate). Calls and streams still on an
   * old channel end, and their callers retry or re-watch on the new one.
   */
  replaceCredentials(credentials: grpc.ChannelCredentials): void {
    for (const endpoint of this.endpoints) {
      const old = endpoint.client;
      endpoint.client = new grpc.Client(endpoint.address, credentials, optionsFor(endpoint.address, credentials));
      old.close();
    }
  }

  get servers(): string[] {
    return this.endpoints.map((e) => e.address);
  }

  /**
   * Starts connecting to the current server now instead of at the first call, so that the
   * server's half of the TLS handshake runs while the caller still prepares that call.
   */
  connectEarly(): void {
    this.endpoints[this.current]!.client.getChannel().getConnectivityState(true);
  }

  unary<M extends UnaryMethod>(method: M, request: RequestOf<M>, opts: UnaryCallOptions): Promise<ResponseOf<M>> {
    return this.call(method, request, opts, true) as Promise<ResponseOf<M>>;
  }

  /**
   * A unary call whose caller keeps nothing of the answer (an event recorder's writes): it
   * resolves once the server has answered OK, without decoding the response message.
   */
  async unaryIgnoringResponse<M extends UnaryMethod>(method: M, request: RequestOf<M>, opts: UnaryCallOptions): Promise<void> {
    await this.call(method, request, opts, false);
  }

  private async call<M extends UnaryMethod>(method: M, request: RequestOf<M>, opts: UnaryCallOptions, decode: boolean): Promise<ResponseOf<M> | undefined> {
    const deadline = Date.now() + (opts.deadlineMs ?? this.options.deadlineMs);
    const bytes = encodeRequest(method, request as object, service()[method].requestSerialize as (value: object) => Buffer);
    const failures: string[] = [];
    let answered: ApiError | undefined;
    for (const endpoint of this.rotation()) {
      throwIfAborted(opts.signal);
      if (!this.isReady(endpoint) && !(await this.connect(endpoint, deadline, opts.signal))) {
        failures.push(`${endpoint.address}: ${await this.whyNotConnected(endpoint)}`);
        continue;
      }
      try {
        return await this.sendUnary(endpoint, method, bytes, deadline, decode, opts.signal);
      } catch (err) {
        if (opts.signal?.aborted) throw abortReason(opts.signal);
        const apiErr = fromServiceError(err);
        if (!isUnavailable(err) || !opts.idempotent) throw apiErr;
        failures.push(`${endpoint.address}: ${apiErr.message}`);
        if (answeredByServer(err)) answered = apiErr;
        this.failOver(endpoint, apiErr);
      }
    }
    // An apiserver that answered (its storage is down) explains more than "unreachable".
    throw answered ?? noServerReachable(failures);
  }

  /**
   * A server stream. Starting it counts as idempotent: if the stream fails as UNAVAILABLE before
   * its first message it is opened on the next server. Breaking out of the iteration or aborting
   * the signal cancels the call; an abort ends the iteration without an error.
   */
  async *serverStream<M extends ServerStreamMethod>(method: M, request: RequestOf<M>, signal?: AbortSignal): AsyncGenerator<ResponseOf<M>> {
    const failures: string[] = [];
    for (const endpoint of this.rotation()) {
      if (signal?.aborted) return;
      if (!(await this.connect(endpoint, Date.now() + this.options.connectTimeoutMs, signal))) {
        failures.push(`${endpoint.address}: cannot connect`);
        continue;
      }
      const def = service()[method];
      const call = endpoint.client.makeServerStreamRequest(
        def.path,
        def.requestSerialize as (value: RequestOf<M>) => Buffer,
        def.responseDeserialize as (value: Buffer) => ResponseOf<M>,
        request,
        this.metadata,
      );
      let received = false;
      try {
        for await (const message of readStream<ResponseOf<M>>(call, signal)) {
          received = true;
          yield message;
        }
        return;
      } catch (err) {
        if (received || !isUnavailable(err)) throw fromServiceError(err);
        failures.push(`${endpoint.address}: ${fromServiceError(err).message}`);
        this.failOver(endpoint, fromServiceError(err));
      }
    }
    throw noServerReachable(failures);
  }

  /** Opens a bidirectional stream on the first server that accepts a connection. Never re-sent. */
  async bidiStream<M extends 'Exec' | 'Attach' | 'PortForward'>(method: M, signal?: AbortSignal): Promise<grpc.ClientDuplexStream<RequestOf<M>, ResponseOf<M>>> {
    const failures: string[] = [];
    for (const endpoint of this.rotation()) {
      throwIfAborted(signal);
      if (!(await this.connect(endpoint, Date.now() + this.options.connectTimeoutMs, signal))) {
        failures.push(`${endpoint.address}: cannot connect`);
        continue;
      }
      const def = service()[method];
      return endpoint.client.makeBidiStreamRequest(
        def.path,
        def.requestSerialize as (value: RequestOf<M>) => Buffer,
        def.responseDeserialize as (value: Buffer) => ResponseOf<M>,
        this.metadata,
      );
    }
    throw noServerReachable(failures);
  }

  close(): void {
    for (const e of this.endpoints) e.client.close();
  }

  /** The endpoints starting at the current one, each once. */
  private rotation(): Endpoint[] {
    const start = this.current;
    if (start === 0) return this.endpoints;
    return this.endpoints.map((_, i) => this.endpoints[(start + i) % this.endpoints.length]!);
  }

  /** Whether the endpoint's channel is connected now (most calls): no wait to set up. */
  private isReady(endpoint: Endpoint): boolean {
    return endpoint.client.getChannel().getConnectivityState(false) === grpc.connectivityState.READY;
  }

  /** Waits until the endpoint's channel is READY; false on a failed connection, the deadline or an abort. */
  private async connect(endpoint: Endpoint, deadline: number, signal?: AbortSignal): Promise<boolean> {
    const channel = endpoint.client.getChannel();
    const connectDeadline = Math.min(deadline, Date.now() + this.options.connectTimeoutMs);
    const ready = await new Promise<boolean>((resolve) => {
      const check = (): void => {
        const state = channel.getConnectivityState(true);
        if (state === grpc.connectivityState.READY) return resolve(true);
        if (state === grpc.connectivityState.TRANSIENT_FAILURE || state === grpc.connectivityState.SHUTDOWN) return resolve(false);
        if (Date.now() >= connectDeadline || signal?.aborted) return resolve(false);
        channel.watchConnectivityState(state, connectDeadline, (err) => (err ? resolve(false) : check()));
      };
      check();
    });
    if (!ready && !signal?.aborted) this.failOver(endpoint, new ApiError('ServiceUnavailable', `cannot connect to ${endpoint.address}`));
    return ready;
  }

  /** "cannot connect", or the certificate problem that stopped the TLS handshake. */
  private async whyNotConnected(endpoint: Endpoint): Promise<string> {
    const tls = this.options.ca ? await diagnoseTls(endpoint.address, this.options.ca) : undefined;
    return tls ?? 'cannot connect';
  }

  private failOver(endpoint: Endpoint, err: ApiError): void {
    const index = this.endpoints.indexOf(endpoint);
    // Concurrent calls that fail on the same server move the pointer once, not once each.
    if (index !== this.current || this.endpoints.length === 1) return;
    this.current = (index + 1) % this.endpoints.length;
    this.log?.warn({ from: endpoint.address, to: this.endpoints[this.current]!.address, err: err.message }, 'apiserver unavailable; failing over');
  }

  /**
   * One call straight on the endpoint's channel, as grpc-js' makeUnaryRequest would make it but
   * without what every call of that path costs and this client does not use: a caller-stack
   * Error, the interceptor chain and an EventEmitter per call. The request is already encoded;
   * the response is decoded only when `decode` is set. The deadline is kept by the transport's
   * sweep, not given to grpc-js, which would arm a timer per call and send it as grpc-timeout,
   * for which the server arms another: past it the call is cancelled as grpc-js would.
   */
  private sendUnary<M extends UnaryMethod>(
    endpoint: Endpoint,
    method: M,
    encoded: Buffer,
    deadline: number,
    decode: boolean,
    signal?: AbortSignal,
  ): Promise<ResponseOf<M> | undefined> {
    const def = service()[method];
    const deserialize = def.responseDeserialize as (value: Buffer) => ResponseOf<M>;
    return new Promise((resolve, reject) => {
      const call = endpoint.client.getChannel().createCall(def.path, Infinity, undefined, null, undefined);
      const onAbort = (): void => call.cancelWithStatus(grpc.status.CANCELLED, 'Cancelled on client');
      let response: Buffer | undefined;
      call.start(this.metadata, {
        onReceiveMetadata: () => undefined,
        onReceiveMessage: (message: Buffer) => {
          response = message;
        },
        onReceiveStatus: (status) => {
          this.deadlines.forget(call);
          signal?.removeEventListener('abort', onAbort);
          // Warnings travel in the trailers, which arrive with the status.
          const onWarning = this.options.onWarning;
          if (onWarning) for (const w of status.metadata.get(WARNING_METADATA)) onWarning(w.toString());
          if (status.code !== grpc.status.OK) return reject(callError(status));
          if (!response) return reject(callError({ code: grpc.status.UNIMPLEMENTED, details: 'No message received', metadata: status.metadata }));
          if (!decode) return resolve(undefined);
          let value: ResponseOf<M>;
          try {
            value = deserialize(response);
          } catch (err) {
            return reject(callError({ code: grpc.status.INTERNAL, details: `Response message parsing error: ${(err as Error).message}`, metadata: status.metadata }));
          }
          resolve(value);
        },
      });
      call.sendMessageWithContext({}, encoded);
      call.halfClose();
      call.startRead();
      this.deadlines.track(call, deadline);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

}

/** Who calls: the bearer token and whom the calls act as. */
function callMetadata(options: Pick<TransportOptions, 'token' | 'impersonate'>): grpc.Metadata {
  const md = new grpc.Metadata();
  if (options.token) md.set('authorization', `Bearer ${options.token}`);
  const as = options.impersonate;
  if (as) {
    md.set('impersonate-user', as.user);
    for (const group of as.groups ?? []) md.add('impersonate-group', group);
  }
  return md;
}

/** The error grpc-js' own unary path would reject with for this status (a grpc ServiceError). */
function callError(status: Pick<grpc.StatusObject, 'code' | 'details' | 'metadata'>): grpc.ServiceError {
  return Object.assign(new Error(`${status.code} ${grpc.status[status.code]}: ${status.details}`), { code: status.code, details: status.details, metadata: status.metadata });
}

/** Iterates a grpc server stream; cancels the call when the consumer stops early or the signal aborts. */
async function* readStream<T>(call: grpc.ClientReadableStream<T>, signal?: AbortSignal): AsyncGenerator<T> {
  // The cancelled call reports CANCELLED as an 'error' event after the consumer is gone; without a
  // listener that event would crash the process.
  call.on('error', () => {});
  const onAbort = (): void => call.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const message of call as AsyncIterable<T>) yield message;
  } catch (err) {
    if (signal?.aborted) return;
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    call.cancel();
  }
}

function isUnavailable(err: unknown): boolean {
  return (err as Partial<grpc.ServiceError>).code === grpc.status.UNAVAILABLE;
}

/** A failure the apiserver itself reported (it carries a Kubernetes Status), as opposed to a broken connection. */
function answeredByServer(err: unknown): boolean {
  return statusOf(err) !== undefined;
}

function noServerReachable(failures: string[]): ApiError {
  return new ApiError('ServiceUnavailable', `no apiserver reachable (${failures.join('; ')})`);
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortReason(signal);
}
