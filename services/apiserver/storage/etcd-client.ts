import { readFileSync } from 'node:fs';
import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleWhen, retry, type IBackoff } from 'cockatiel';
import { Etcd3, GRPCUnavailableError, isRecoverableError, type CallContext } from 'etcd3';
import { LEAN_CHANNEL_OPTIONS } from '../../../lib/grpc-options.js';

/**
 * Deadline of one attempt of a call. A request that reaches a member whose leader just died waits
 * there for etcd's own request timeout (5 s + 2 election timeouts: 7 s by default) before it
 * fails; abandoned after this long it is sent to the next member, which by then knows the new
 * leader (an election takes 1-2 s).
 */
const ATTEMPT_TIMEOUT_MS = 2_000;
/** A page of a list may legitimately take longer on a busy machine; a list is no write waiting. */
const LIST_ATTEMPT_TIMEOUT_MS = 5_000;
/** Retries after the first attempt (cockatiel's maxAttempts): every member of three once, and one more; a write gives up after about 4 × ATTEMPT_TIMEOUT_MS against a hung cluster. */
const MAX_RETRIES = 3;
/** After this many failed connections in a row a member is not tried again for HALF_OPEN_AFTER_MS. */
const FAILURES_BEFORE_PAUSE = 3;
const HALF_OPEN_AFTER_MS = 1_000;

/**
 * The member itself is out of reach (connection refused or dropped): only that pauses it. An
 * answer from a live member (etcdserver: no leader, leader changed, request timed out) or a
 * deadline says the cluster is between leaders, which every member shares: pausing healthy
 * members for it only delayed the first writes under the new leader.
 */
export function isMemberUnreachable(err: Error): boolean {
  return err instanceof GRPCUnavailableError && !err.message.includes('etcdserver:');
}

function attemptTimeoutMs(ctx: CallContext): number {
  return ctx.method === 'range' && ctx.params.range_end ? LIST_ATTEMPT_TIMEOUT_MS : ATTEMPT_TIMEOUT_MS;
}

/**
 * The apiserver's etcd client. etcd3's defaults pause a failed host for 5 s and let a watch stream
 * back off up to 30 s between reconnects, so after etcd came back the watch caches (and every list
 * that waits for them) could stay stale for half a minute: here both are kept to about a second.
 */
export function connectEtcd(endpoints: string[], tls?: EtcdClientTls): Etcd3 {
  return new Etcd3({
    hosts: endpoints,
    ...(tls ? { credentials: etcdCredentials(endpoints, tls) } : {}),
    dialTimeout: 5_000,
    // A list page of large objects can exceed grpc's 4 MiB default; pages are bounded by count.
    grpcOptions: { 'grpc.max_receive_message_length': -1, ...LEAN_CHANNEL_OPTIONS },
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + attemptTimeoutMs(ctx) }),
    faultHandling: {
      // A call that failed transiently (member unreachable, without a leader or losing it:
      // etcdserver: leader changed, request timed out; no answer in time) is sent again to the
      // next member in its shuffled order. Writes too: that is safe only because every write of
      // EtcdStore is a transaction guarded by a compare on the key's version or mod revision, so
      // of two attempts at most one applies; EtcdStore recognises a create's earlier success in a
      // later attempt's failed compare.
      global: retry(handleWhen(isRecoverableError), { maxAttempts: MAX_RETRIES, backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 500 }) }),
      host: () => circuitBreaker(handleWhen(isMemberUnreachable), { halfOpenAfter: HALF_OPEN_AFTER_MS, breaker: new ConsecutiveBreaker(FAILURES_BEFORE_PAUSE) }),
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
