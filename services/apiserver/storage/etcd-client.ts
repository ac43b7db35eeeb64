import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { Etcd3, isRecoverableError, type CallContext } from 'etcd3';
import { LEAN_CHANNEL_OPTIONS, WIDE_RECEIVE_WINDOW } from '../../../lib/grpc-options.js';
import { ATTEMPT_TIMEOUT_MS, BACKOFF_FIRST_MS, BACKOFF_MAX_MS, FAILURES_BEFORE_PAUSE, isMemberUnreachable, LIST_ATTEMPT_TIMEOUT_MS, MAX_RETRIES, PAUSE_MS } from './etcd-failover.js';
import { EtcdKv } from './etcd-kv.js';

function attemptTimeoutMs(ctx: CallContext): number {
  return ctx.method === 'range' && ctx.params.range_end ? LIST_ATTEMPT_TIMEOUT_MS : ATTEMPT_TIMEOUT_MS;
}

/** The apiserver's etcd clients: kv for reads and writes (and its channels for watches), etcd3 for leases and the rest. */
export interface EtcdClients {
  etcd: Etcd3;
  kv: EtcdKv;
}

/**
 * Both on the same members, credentials and channel options. etcd3's defaults pause a failed host
 * for 5 s; here, as in EtcdKv, about a second.
 */
export function connectEtcd(endpoints: string[], tls?: EtcdClientTls): EtcdClients {
  const credentials = tls ? etcdCredentials(endpoints, tls) : undefined;
  const grpcOptions = etcdChannelOptions();
  const kv = new EtcdKv({
    endpoints,
    credentials: kvCredentials(endpoints, credentials),
    channelOptions: grpcOptions,
  });
  return { kv, etcd: connectEtcd3(endpoints, credentials, grpcOptions) };
}

/**
 * A list page of large objects can exceed grpc's 4 MiB default; pages are bounded by count. Every
 * watch cache's events come over a watch stream on these channels: with HTTP/2's default 64 KiB
 * window etcd sent only that much per turn of the busy apiserver's event loop, and under a burst of pod creates a pod reached the watch cache (and every
 * watcher) about two seconds after its create had committed.
 */
export function etcdChannelOptions(): grpc.ChannelOptions {
  return { 'grpc.max_receive_message_length': -1, ...LEAN_CHANNEL_OPTIONS, ...WIDE_RECEIVE_WINDOW };
}

/** As etcd3 chooses: the given TLS files, else TLS with the system's CAs for https:// members, else plaintext. */
function kvCredentials(endpoints: string[], credentials: EtcdCredentials | undefined): grpc.ChannelCredentials {
  if (credentials) return grpc.credentials.createSsl(credentials.rootCertificate, credentials.privateKey, credentials.certChain);
  return endpoints.some((e) => e.startsWith('https://')) ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
}

function connectEtcd3(endpoints: string[], credentials: EtcdCredentials | undefined, grpcOptions: grpc.ChannelOptions): Etcd3 {
  return new Etcd3({
    hosts: endpoints,
    ...(credentials ? { credentials } : {}),
    dialTimeout: 5_000,
    grpcOptions,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + attemptTimeoutMs(ctx) }),
    faultHandling: {
      // A call that failed transiently (member unreachable, without a leader or losing it:
      // etcdserver: leader changed, request timed out; no answer in time) is sent again to the
      // next member in its shuffled order.
      global: retry(handleWhen(isRecoverableError), { maxAttempts: MAX_RETRIES, backoff: new ExponentialBackoff({ initialDelay: BACKOFF_FIRST_MS, maxDelay: BACKOFF_MAX_MS }) }),
      host: () => circuitBreaker(handleWhen(isMemberUnreachable), { halfOpenAfter: PAUSE_MS, breaker: new ConsecutiveBreaker(FAILURES_BEFORE_PAUSE) }),
    },
  });
}

/**
 * Kubernetes' --etcd-cafile, --etcd-certfile and --etcd-keyfile: the CA that signed etcd's serving
 * certificate and the client certificate etcd's --client-cert-auth asks for.
 */
export interface EtcdClientTls {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export class EtcdTlsError extends Error {
  override readonly name = 'EtcdTlsError';
}

interface EtcdCredentials {
  rootCertificate: Buffer;
  privateKey?: Buffer;
  certChain?: Buffer;
}

/** The files' contents, checked before any connection: a half-given pair or a plaintext URL is a mistake, not a fallback. */
function etcdCredentials(endpoints: string[], tls: EtcdClientTls): EtcdCredentials {
  if (Boolean(tls.certFile) !== Boolean(tls.keyFile)) throw new EtcdTlsError('--etcd-certfile and --etcd-keyfile go together: give both or neither');
  if (!tls.caFile) throw new EtcdTlsError('--etcd-cafile: Required value: the CA of etcd\'s serving certificate');
  const plain = endpoints.filter((e) => !e.startsWith('https://'));
  if (plain.length > 0) throw new EtcdTlsError(`--etcd-servers: Invalid value: "${plain[0]}": etcd TLS flags need https:// URLs`);
  const read = (flag: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new EtcdTlsError(`${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  return {
    rootCertificate: read('--etcd-cafile', tls.caFile),
    ...(tls.certFile && tls.keyFile ? { certChain: read('--etcd-certfile', tls.certFile), privateKey: read('--etcd-keyfile', tls.keyFile) } : {}),
  };
}

/** Whether any of the etcd TLS flags was given. */
export function hasEtcdTls(tls: EtcdClientTls): boolean {
  return Boolean(tls.caFile || tls.certFile || tls.keyFile);
}
