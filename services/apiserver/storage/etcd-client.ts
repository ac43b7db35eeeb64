import { readFileSync } from 'node:fs';
import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleWhen, retry, type IBackoff } from 'cockatiel';
import { Etcd3, GRPCDeadlineExceededError, isRecoverableError } from 'etcd3';
import { LEAN_CHANNEL_OPTIONS } from '../../../lib/grpc-options.js';

const CALL_TIMEOUT_MS = 10_000;
/** After this many failed calls in a row a host is not tried again for HALF_OPEN_AFTER_MS. */
const FAILURES_BEFORE_PAUSE = 3;
const HALF_OPEN_AFTER_MS = 1_000;
const MAX_ATTEMPTS = 3;

/**
 * The apiserver's etcd client. etcd3's defaults pause a failed host for 5 s and let a watch stream
 * back off up to 30 s between reconnects, so after etcd came back the watch caches (and every list
 * that waits for them) could stay stale for half a minute: here both are kept to about a second.
 * A call that timed out is not tried again: against a hung etcd three attempts made a request
 * take 30 s instead of 10.
 */
export function connectEtcd(endpoints: string[], tls?: EtcdClientTls): Etcd3 {
  return new Etcd3({
    hosts: endpoints,
    ...(tls ? { credentials: etcdCredentials(endpoints, tls) } : {}),
    dialTimeout: 5_000,
    // A list page of large objects can exceed grpc's 4 MiB default; pages are bounded by count.
    grpcOptions: { 'grpc.max_receive_message_length': -1, ...LEAN_CHANNEL_OPTIONS },
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + CALL_TIMEOUT_MS }),
    faultHandling: {
      global: retry(handleWhen((err) => isRecoverableError(err) && !(err instanceof GRPCDeadlineExceededError)), { maxAttempts: MAX_ATTEMPTS }),
      host: () => circuitBreaker(handleWhen(isRecoverableError), { halfOpenAfter: HALF_OPEN_AFTER_MS, breaker: new ConsecutiveBreaker(FAILURES_BEFORE_PAUSE) }),
      // etcd3 declares an IBackoff but calls next() on it first, as on its own default: a factory.
      watchBackoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1_000 }) as unknown as IBackoff<unknown>,
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

/** The files' contents, checked before any connection: a half-given pair or a plaintext URL is a mistake, not a fallback. */
function etcdCredentials(endpoints: string[], tls: EtcdClientTls): { rootCertificate: Buffer; privateKey?: Buffer; certChain?: Buffer } {
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
