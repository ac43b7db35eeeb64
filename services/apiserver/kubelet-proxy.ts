import type { Readable, Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ApiError, badRequest, fromServiceError } from '../../lib/api/errors.js';
import type * as t from '../../lib/api/generated/index.js';
import { packageDefinition } from '../../lib/api/proto.js';
import { resourceByField } from '../../lib/api/resources.js';
import type { Registry } from './registry/registry.js';

type KubeletClient = grpc.Client & {
  Logs(req: t.LogsRequest): grpc.ClientReadableStream<t.LogChunk>;
  Exec(): grpc.ClientDuplexStream<t.ExecFrame, t.ExecFrame>;
  Attach(): grpc.ClientDuplexStream<t.ExecFrame, t.ExecFrame>;
  PortForward(): grpc.ClientDuplexStream<t.PortForwardFrame, t.PortForwardFrame>;
  Summary(req: t.SummaryRequest, options: grpc.CallOptions, callback: (err: grpc.ServiceError | null, res?: t.Summary) => void): grpc.ClientUnaryCall;
};

/** A kubelet that does not answer a summary in this time is left out of the metrics, not waited for. */
const SUMMARY_DEADLINE_MS = 5_000;

/** The kubelet's bidirectional streams: each opens with a start frame naming the pod. */
type StreamMethod = 'Exec' | 'Attach' | 'PortForward';
type StartedFrame = { start?: { namespace?: string; name?: string } | null };

const KubeletService = grpc.makeClientConstructor(
  packageDefinition['kubets.v1.Kubelet'] as grpc.ServiceDefinition,
  'Kubelet',
) as unknown as new (address: string, creds: grpc.ChannelCredentials) => KubeletClient;

/**
 * Passes the kubelet's messages on to our caller, pausing the kubelet while the caller is slow to
 * read; settles when the kubelet ends the call (or it is cancelled), or with the kubelet's error.
 */
function relay(upstream: Readable, downstream: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    upstream.on('data', (message: unknown) => {
      if (!downstream.write(message)) {
        upstream.pause();
        downstream.once('drain', () => upstream.resume());
      }
    });
    upstream.on('end', resolve);
    upstream.on('error', (err: grpc.ServiceError) => (err.code === grpc.status.CANCELLED ? resolve() : reject(fromServiceError(err))));
  });
}

export interface KubeletTls {
  ca: Buffer;
  clientCert: Buffer;
  clientKey: Buffer;
}

/**
 * Forwards the Logs, Exec, Attach and PortForward subresources to the kubelet that runs the pod, at the address and
 * port its Node publishes, over TLS with the apiserver's kubelet-client identity; and asks kubelets
 * for their resource usage summaries (the metrics API).
 */
export class KubeletProxy {
  private readonly clients = new Map<string, KubeletClient>();

  constructor(
    private readonly registry: Registry,
    private readonly tls: KubeletTls | undefined,
    private readonly log: Logger,
  ) {}

  private async clientForPod(namespace: string, name: string): Promise<KubeletClient> {
    const pod = (await this.registry.get(resourceByField('pod'), namespace, name)) as t.Pod;
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
    return this.clientForNode((await this.registry.get(resourceByField('node'), '', nodeName)) as t.Node);
  }

  private clientForNode(node: t.Node): KubeletClient {
    const nodeName = node.metadata?.name ?? '';
    const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
    const addresses = node.status?.addresses ?? [];
    const host = (addresses.find((a) => a.type === 'InternalIP') ?? addresses[0])?.address;
    if (!port || !host) throw new ApiError('ServiceUnavailable', `node ${nodeName} does not publish a kubelet endpoint`);
    const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    let client = this.clients.get(target);
    if (!client) {
      if (!this.tls) throw new ApiError('ServiceUnavailable', 'the apiserver has no kubelet client certificate configured');
      const creds = grpc.credentials.createSsl(this.tls.ca, this.tls.clientKey, this.tls.clientCert);
      client = new KubeletService(target, creds);
      this.clients.set(target, client);
      this.log.debug({ node: nodeName, target }, 'connected to kubelet');
    }
    return client;
  }

  /** The node's and its pods' resource usage over the kubelet's last sampling window. */
  summary(node: t.Node): Promise<t.Summary> {
    const client = this.clientForNode(node);
    return new Promise<t.Summary>((resolve, reject) =>
      client.Summary({}, { deadline: Date.now() + SUMMARY_DEADLINE_MS }, (err, res) => (err ? reject(fromServiceError(err)) : resolve(res ?? {}))),
    );
  }

  /** Relays the kubelet's log chunks to `out` (a gRPC stream or the HTTP API's response) until it ends or `signal` aborts. */
  async logs(req: t.LogsRequest, out: Writable, signal: AbortSignal): Promise<void> {
    const client = await this.clientForPod(req.namespace ?? '', req.name ?? '');
    const upstream = client.Logs(req);
    if (signal.aborted) upstream.cancel();
    else signal.addEventListener('abort', () => upstream.cancel(), { once: true });
    await relay(upstream, out);
  }

  /**
   * Relays an Exec, Attach or PortForward stream to the kubelet of the pod its start frame names.
   * `admit` sees the start frame (which pod) before anything reaches a kubelet, and throws to refuse it.
   */
  async stream(
    method: StreamMethod,
    call: grpc.ServerDuplexStream<Buffer, unknown>,
    decode: (bytes: Buffer) => StartedFrame,
    admit: (start: NonNullable<StartedFrame['start']>) => void,
  ): Promise<void> {
    const what = method === 'PortForward' ? 'port-forward' : method.toLowerCase();
    const first = await new Promise<StartedFrame>((resolve, reject) => {
      call.once('data', (bytes: Buffer) => {
        // Frames sent right after start (stdin, a resize, data) must wait until the upstream is
        // there: a flowing stream without a data listener drops them.
        call.pause();
        try {
          resolve(decode(bytes));
        } catch (err) {
          reject(err);
        }
      });
      call.once('end', () => reject(badRequest(`${what} stream ended before its start frame`)));
    });
    const start = first.start;
    if (!start) throw badRequest(`the first ${what} frame must be start`);
    admit(start);
    const upstream = await this.open(method, first);
    call.on('data', (bytes: Buffer) => {
      try {
        upstream.write(decode(bytes));
      } catch (err) {
        upstream.cancel();
        this.log.warn({ err }, `bad ${what} frame from client`);
      }
    });
    call.on('end', () => upstream.end());
    call.on('cancelled', () => upstream.cancel());
    call.resume();
    await relay(upstream, call);
  }

  /** Opens an Exec, Attach or PortForward stream at the kubelet of the pod the start frame names, and sends that frame. */
  async open(method: StreamMethod, first: StartedFrame): Promise<grpc.ClientDuplexStream<StartedFrame, unknown>> {
    const client = await this.clientForPod(first.start?.namespace ?? '', first.start?.name ?? '');
    const upstream = client[method]() as unknown as grpc.ClientDuplexStream<StartedFrame, unknown>;
    upstream.write(first);
    return upstream;
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
