import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { ApiError } from '../../../lib/api/errors.js';
import type { TokenUser } from '../../../lib/auth/token-file.js';
import { authenticateAuthorization, certificateSubjectUser, unauthenticated, type BearerAuthenticator } from '../auth.js';

// Who sent an HTTP request: a bearer token, checked by the same authenticator as gRPC calls, or
// else a client certificate the cluster CA signed, as kube-apiserver reads one (common name =
// user, organizations = groups). The TLS layer asks for a certificate without requiring one, so
// token clients connect as before; an unsigned certificate only counts as no certificate.

function certificateUser(socket: TLSSocket): TokenUser | undefined {
  if (!socket.authorized) return undefined;
  return certificateSubjectUser(socket.getPeerCertificate().subject as unknown as Record<string, string | string[] | undefined> | undefined);
}

/** header: the Authorization value, when it came some other way than the header (a WebSocket's subprotocol). */
export function authenticateRequest(authenticator: BearerAuthenticator | undefined, req: IncomingMessage, header = req.headers.authorization): TokenUser {
  if (header) return authenticateAuthorization(authenticator, header);
  const user = 'getPeerCertificate' in req.socket ? certificateUser(req.socket as TLSSocket) : undefined;
  if (!user) throw unauthenticated('no credentials and no client certificate signed by the cluster CA');
  return user;
}

/** Whether the request carries any credentials at all: a bearer token, or a client certificate the cluster CA signed. */
export function hasCredentials(req: IncomingMessage): boolean {
  return Boolean(req.headers.authorization) || ('getPeerCertificate' in req.socket && certificateUser(req.socket as TLSSocket) !== undefined);
}
