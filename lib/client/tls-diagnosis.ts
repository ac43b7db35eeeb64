import { isIP } from 'node:net';
import { connect } from 'node:tls';
import { APISERVER_SERVICE_NAMES } from '../certs/names.js';

const PROBE_TIMEOUT_MS = 3_000;

/** Node's certificate errors in the words of Go's crypto/tls, which kubectl users know. */
function goWording(err: NodeJS.ErrnoException): string | undefined {
  switch (err.code) {
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: ${err.message}`;
    default:
      return undefined;
  }
}

/**
 * Why a TLS connection to an apiserver fails, when the cause is its certificate: grpc-js only
 * reports that it could not connect, so one TLS handshake with the same CA and server name asks.
 * Undefined when the handshake succeeds or fails for another reason (nothing listening).
 */
export function diagnoseTls(address: string, ca: Buffer | string): Promise<string | undefined> {
  const host = address.startsWith('[') ? address.slice(1, address.indexOf(']')) : address.replace(/:\d+$/, '');
  const port = Number(/:(\d+)$/.exec(address)?.[1] ?? 443);
  const servername = isIP(host) ? APISERVER_SERVICE_NAMES[0]! : host;
  return new Promise((resolve) => {
    const socket = connect({ host, port, ca, servername, ALPNProtocols: ['h2'] });
    const done = (answer: string | undefined): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(undefined));
    socket.once('secureConnect', () => done(undefined));
    socket.once('error', (err: NodeJS.ErrnoException) => done(goWording(err)));
  });
}
