import type { PeerCertificate } from 'node:tls';
import { ApiError } from '../../../lib/api/errors.js';
import { APISERVER_KUBELET_CLIENT_COMMON_NAME } from '../../../lib/certs/cluster-certs.js';

/** What grpc-js server calls offer about their TLS peer. */
interface AuthenticatedCall {
  getAuthContext(): { sslPeerCertificate?: PeerCertificate };
}

/** The common name of the client certificate a call was made with (TLS has already checked its CA). */
function peerCommonName(call: AuthenticatedCall): string | undefined {
  const cn = call.getAuthContext().sslPeerCertificate?.subject?.CN;
  return Array.isArray(cn) ? cn[0] : cn;
}

/**
 * Only the apiserver may read logs and run commands here: the TLS layer requires a certificate from
 * the cluster CA, and this requires that certificate to be the apiserver's kubelet-client identity
 * (other components hold CA-signed certificates too).
 */
export function requireApiserver(call: AuthenticatedCall, allowed: string = APISERVER_KUBELET_CLIENT_COMMON_NAME): void {
  const cn = peerCommonName(call);
  if (cn !== allowed) {
    throw new ApiError('Forbidden', `client certificate ${cn === undefined ? '(none)' : `"${cn}"`} may not use the kubelet API; only ${allowed} may`);
  }
}
