import { HostLockError, acquireHostLock } from '../../services/proxy/host-lock.js';
import { sleep } from './poll.js';

const LOCK = '/run/kubets-test-host-network.lock';

/**
 * Test files that program the host's own iptables (a proxy on the host) take turns: two proxies
 * would rewrite each other's chains. Waits, bounded, for the other file to finish; returns the release.
 * The caller's hook timeout must cover this wait as well as its own set-up.
 */
export async function holdHostNetwork(timeoutMs = 600_000): Promise<() => void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return acquireHostLock(LOCK);
    } catch (err) {
      if (!(err instanceof HostLockError) || Date.now() > until) throw err;
      await sleep(500);
    }
  }
}
