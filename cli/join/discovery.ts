import { isApiError } from '../../lib/api/errors.js';
import { CLUSTER_INFO_NAME, CLUSTER_INFO_NAMESPACE, readClusterInfo } from '../../lib/auth/cluster-info.js';
import { caCertHash } from '../../lib/certs/index.js';
import { ApiClient } from '../../lib/client/client.js';

/** A join that cannot go on; its message is what the user reads (kubeadm's wording where it has one). */
export class JoinError extends Error {
  override readonly name = 'JoinError';
}

const HASH = /^sha256:[0-9a-f]{64}$/;

/** Checks the form of `--ca-cert-hash` values (kubeadm's `sha256:<hex>`). */
export function checkHashFormat(hashes: readonly string[]): void {
  const bad = hashes.find((h) => !HASH.test(h.toLowerCase()));
  if (bad !== undefined) throw new JoinError(`invalid discovery token CA certificate hash "${bad}": expected "sha256:" followed by 64 hexadecimal digits`);
}

/**
 * The CA the node will trust, pinned by hash: the CA of the cluster-info it read without trusting
 * the server must have one of the pinned public keys, or nothing more is done.
 */
export function checkPinnedCa(caPem: string, hashes: readonly string[]): void {
  let actual: string;
  try {
    actual = caCertHash(caPem);
  } catch (err) {
    throw new JoinError(`cluster CA found in cluster-info ConfigMap is invalid: ${(err as Error).message}`);
  }
  if (!hashes.some((h) => h.toLowerCase() === actual)) throw new JoinError(`cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${actual}" are pinned`);
}

/** Reads cluster-info's CA from the server at `server` over TLS that checks nothing (the hash check comes after). */
export async function discoverCa(server: string, timeoutMs: number): Promise<string> {
  const client = new ApiClient({ servers: [server], unverifiedTls: true, deadlineMs: timeoutMs, connectTimeoutMs: Math.min(timeoutMs, 5_000) });
  try {
    const cm = await client.resource('configMap').get(CLUSTER_INFO_NAMESPACE, CLUSTER_INFO_NAME);
    return readClusterInfo(cm.data?.kubeconfig).caPem;
  } catch (err) {
    if (isApiError(err, 'NotFound')) throw new JoinError(`couldn't validate the identity of the API Server: the cluster-info ConfigMap does not exist in ${CLUSTER_INFO_NAMESPACE}`);
    throw new JoinError(`couldn't read the cluster-info ConfigMap from ${server}: ${(err as Error).message}`);
  } finally {
    client.close();
  }
}
