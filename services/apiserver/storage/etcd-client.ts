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
export function connectEtcd(endpoints: string[]): Etcd3 {
  return new Etcd3({
    hosts: endpoints,
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
