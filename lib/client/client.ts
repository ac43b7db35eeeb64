import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Duplex } from 'node:stream';
import type { Binding, DeleteOptions, ExecStart, LogsRequest, PortForwardStart, Scale, SelfSubjectRulesReview, SubjectAccessReview, TokenRequest, VersionInfo } from '../api/generated/index.js';
import { resourceByField, versionedResource, type EnvelopeField, type KindTypes } from '../api/resources.js';
import type { ResolvedClientConfig } from '../client-config.js';
import { startExecSession, type ExecOptions, type ExecSession } from './exec.js';
import { portForwardStream } from './port-forward.js';
import { callOpts, ResourceClient, type CallOptions } from './resource-client.js';
import { Transport, type Impersonation } from './transport.js';

export interface ApiClientOptions {
  /** `host:port` of each apiserver, in failover order. */
  servers: string[];
  /** PEM CA certificate: the connection is TLS and the server must present a certificate it signed. */
  ca?: Buffer | string;
  /** Plaintext when no CA is given. Only for tests. */
  insecure?: boolean;
  /** Sent as `authorization: Bearer <token>` on every call. */
  token?: string;
  /**
   * TLS without checking the server's certificate: only for a joining node's first read of the
   * public cluster-info, whose CA it then checks against the hash it was given.
   */
  unverifiedTls?: boolean;
  /** A client certificate and key (PEM) the apiserver authenticates the connection by, instead of a token. */
  clientCert?: { certPem: string; keyPem: string };
  /** Act as another user (and groups) on every call; the token's user needs the `impersonate` verb. */
  impersonate?: Impersonation;
  /** Deadline of unary calls across all their attempts; default 30 s. Streams have none. */
  deadlineMs?: number;
  /** How long to wait for a connection to one server before trying the next; default 5 s. */
  connectTimeoutMs?: number;
  /** Where failovers are reported; without one the client logs nothing (and the CLI loads no logger). */
  log?: Logger;
  /** Called with each warning the apiserver sends with an answer (Kubernetes' Warning headers). */
  onWarning?: (message: string) => void;
}

export class InvalidClientOptionsError extends Error {
  override readonly name = 'InvalidClientOptionsError';
}

export const DEFAULT_DEADLINE_MS = 30_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** The one client of the apiserver every component and the CLI use. */
function tlsCredentials(ca: Buffer | string, cert: { certPem: string; keyPem: string } | undefined): grpc.ChannelCredentials {
  return cert ? grpc.credentials.createSsl(Buffer.from(ca), Buffer.from(cert.keyPem), Buffer.from(cert.certPem)) : grpc.credentials.createSsl(Buffer.from(ca));
}

export class ApiClient {
  private readonly transport: Transport;
  private readonly ca: Buffer | string | undefined;
  private readonly resourceClients = new Map<EnvelopeField, ResourceClient<KindTypes[EnvelopeField]>>();

  constructor(options: ApiClientOptions) {
    if (options.servers.length === 0) throw new InvalidClientOptionsError('at least one apiserver address is required');
    this.ca = options.ca;
    let credentials: grpc.ChannelCredentials;
    if (options.ca) credentials = tlsCredentials(options.ca, options.clientCert);
    else if (options.unverifiedTls) credentials = grpc.credentials.createSsl(null, null, null, { rejectUnauthorized: false, checkServerIdentity: () => undefined });
    else if (options.insecure) credentials = grpc.credentials.createInsecure();
    else throw new InvalidClientOptionsError('a CA certificate is required (insecure connections are only for tests)');
    this.transport = new Transport({
      servers: [...options.servers],
      credentials,
      token: options.token,
      impersonate: options.impersonate,
      deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      log: options.log?.child({ component: 'api-client' }),
      onWarning: options.onWarning,
      ca: options.ca ? Buffer.from(options.ca) : undefined,
    });
  }

  static fromConfig(
    config: Pick<ResolvedClientConfig, 'servers' | 'caPem' | 'token' | 'clientCert'>,
    options: Pick<ApiClientOptions, 'deadlineMs' | 'connectTimeoutMs' | 'log' | 'impersonate' | 'onWarning'> = {},
  ): ApiClient {
    const clientOptions: ApiClientOptions = { ...options, servers: config.servers, ca: config.caPem };
    if (config.token) clientOptions.token = config.token;
    if (config.clientCert) clientOptions.clientCert = config.clientCert;
    return new ApiClient(clientOptions);
  }

  get servers(): string[] {
    return this.transport.servers;
  }

  /**
   * Opens the connection to the apiserver before the first call needs it. A short-lived caller (a
   * CLI verb) that calls this as soon as it knows the server, and then yields to the event loop,
   * has the server answer the TLS handshake while it goes on with its own work.
   */
  connectEarly(): void {
    this.transport.connectEarly();
  }

  /**
   * Authenticates with another client certificate from now on, without a new client (a kubelet's
   * renewed identity): its informers and callers keep working, on new connections.
   */
  useClientCertificate(cert: { certPem: string; keyPem: string }): void {
    if (!this.ca) throw new InvalidClientOptionsError('a client certificate needs a TLS connection with a CA');
    this.transport.replaceCredentials(tlsCredentials(this.ca, cert));
  }

  /** Typed calls for one kind, by its envelope field: `client.resource('pod')`. */
  resource<F extends EnvelopeField>(field: F): ResourceClient<KindTypes[F]> {
    let rc = this.resourceClients.get(field);
    if (!rc) {
      rc = new ResourceClient<KindTypes[EnvelopeField]>(this.transport, resourceByField(field));
      this.resourceClients.set(field, rc);
    }
    return rc as unknown as ResourceClient<KindTypes[F]>;
  }

  /** Typed calls for one kind in another served version (`'horizontalPodAutoscaler', 'v1'`): objects are converted by the apiserver. */
  resourceInVersion<F extends EnvelopeField>(field: F, version: string): ResourceClient<KindTypes[F]> {
    const info = versionedResource(resourceByField(field), version);
    if (!info) throw new Error(`${resourceByField(field).kind} is not served in version ${version}`);
    return new ResourceClient<KindTypes[F]>(this.transport, info);
  }

  /**
   * Binds a pod to a node (the scheduler's write). Not retried once sent. The Status the server
   * answers with is not decoded: an OK status says all it would.
   */
  async bind(namespace: string, binding: Binding, opts: CallOptions = {}): Promise<void> {
    await this.transport.unaryIgnoringResponse('Bind', { namespace, binding }, { idempotent: false, ...callOpts(opts) });
  }

  /** Evicts a pod (pods/eviction): its graceful delete, unless a disruption budget refuses it. Not retried once sent; the answer is not decoded, as for bind. */
  async evict(namespace: string, name: string, deleteOptions: DeleteOptions = {}, opts: CallOptions = {}): Promise<void> {
    await this.transport.unaryIgnoringResponse('Evict', { namespace, name, deleteOptions }, { idempotent: false, ...callOpts(opts) });
  }

  async getScale(field: EnvelopeField, namespace: string, name: string, opts: CallOptions = {}): Promise<Scale> {
    const resource = resourceByField(field).resource;
    return this.transport.unary('GetScale', { resource, namespace, name }, { idempotent: true, ...callOpts(opts) });
  }

  /** A compare-and-swap when scale carries metadata.resourceVersion. */
  async updateScale(field: EnvelopeField, namespace: string, scale: Scale, opts: CallOptions = {}): Promise<Scale> {
    const resource = resourceByField(field).resource;
    const name = scale.metadata?.name ?? '';
    return this.transport.unary(
      'UpdateScale',
      { resource, namespace, name, scale },
      { idempotent: Boolean(scale.metadata?.resourceVersion), ...callOpts(opts) },
    );
  }

  /** A container's log as it arrives; with `follow` the stream stays open until the signal aborts. */
  async *logs(request: LogsRequest, opts: { signal?: AbortSignal } = {}): AsyncGenerator<Buffer> {
    for await (const chunk of this.transport.serverStream('Logs', request, opts.signal)) {
      if (chunk.data?.length) yield chunk.data;
    }
  }

  /** Runs a command in a container over the bidirectional Exec stream. Not retried once started. */
  async exec(start: ExecStart, opts: ExecOptions = {}): Promise<ExecSession> {
    const call = await this.transport.bidiStream('Exec', opts.signal);
    return startExecSession(call, start, opts);
  }

  /** Attaches to a container's main process (an Exec stream whose start names no command). */
  async attach(start: ExecStart, opts: ExecOptions = {}): Promise<ExecSession> {
    const call = await this.transport.bidiStream('Attach', opts.signal);
    return startExecSession(call, { ...start, command: [] }, opts);
  }

  /** Opens one TCP connection to a pod's port through the apiserver and the pod's kubelet. */
  async portForward(start: PortForwardStart, opts: { signal?: AbortSignal } = {}): Promise<Duplex> {
    return portForwardStream(await this.transport.bidiStream('PortForward', opts.signal), start);
  }

  async version(opts: CallOptions = {}): Promise<VersionInfo> {
    return this.transport.unary('Version', {}, { idempotent: true, ...callOpts(opts) });
  }

  /** Whether the user in the review's spec may do what it describes (authorization.k8s.io SubjectAccessReview). */
  async subjectAccessReview(review: SubjectAccessReview, opts: CallOptions = {}): Promise<SubjectAccessReview> {
    return this.transport.unary('SubjectAccessReview', review, { idempotent: true, ...callOpts(opts) });
  }

  /** Whether the caller may do what the review describes (`auth can-i`). */
  async selfSubjectAccessReview(review: SubjectAccessReview, opts: CallOptions = {}): Promise<SubjectAccessReview> {
    return this.transport.unary('SelfSubjectAccessReview', review, { idempotent: true, ...callOpts(opts) });
  }

  /** Every rule the caller holds in a namespace (`auth can-i --list`). */
  async selfSubjectRulesReview(review: SelfSubjectRulesReview, opts: CallOptions = {}): Promise<SelfSubjectRulesReview> {
    return this.transport.unary('SelfSubjectRulesReview', review, { idempotent: true, ...callOpts(opts) });
  }

  /** A token for a ServiceAccount (serviceaccounts/token); each call signs a new one, so a retry is harmless. */
  async createToken(namespace: string, name: string, tokenRequest: TokenRequest, opts: CallOptions & { dryRun?: boolean } = {}): Promise<TokenRequest> {
    return this.transport.unary('CreateToken', { namespace, name, tokenRequest, dryRun: opts.dryRun }, { idempotent: true, ...callOpts(opts) });
  }

  close(): void {
    this.transport.close();
  }
}
