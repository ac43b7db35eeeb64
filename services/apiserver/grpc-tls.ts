import * as grpc from '@grpc/grpc-js';

/**
 * The gRPC server's TLS: its certificate, and when a client CA is given, a request (not a demand)
 * for a client certificate, so token clients connect as before and a certificate the CA signed
 * authenticates the connection (a joined node's kubelet and proxy). grpc-js' createSsl can only
 * demand or ignore one; its certificate-provider credentials can ask without demanding. The
 * provider answers on the next tick: grpc-js starts listening for updates only after asking.
 */
export function grpcServerCredentials(tls: { cert: Buffer; key: Buffer; clientCA?: Buffer }): grpc.ServerCredentials {
  const { clientCA } = tls;
  if (!clientCA) return grpc.ServerCredentials.createSsl(null, [{ cert_chain: tls.cert, private_key: tls.key }], false);
  const provider: grpc.experimental.CertificateProvider = {
    addCaCertificateListener: (listener) => setImmediate(() => listener({ caCertificate: clientCA })),
    removeCaCertificateListener: () => undefined,
    addIdentityCertificateListener: (listener) => setImmediate(() => listener({ certificate: tls.cert, privateKey: tls.key })),
    removeIdentityCertificateListener: () => undefined,
  };
  // The same provider for both roles: grpc-js' exported function and its class disagree on their order.
  return grpc.experimental.createCertificateProviderServerCredentials(provider, provider, false);
}
