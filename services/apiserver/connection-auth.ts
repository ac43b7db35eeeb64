import type { ServerUnaryCall } from '@grpc/grpc-js';

/** What grpc-js knows of a call's connection: the client certificate, when the cluster CA signed it. */
export type AuthContext = ReturnType<ServerUnaryCall<unknown, unknown>['getAuthContext']>;

/** The part of a grpc-js call object this module reads. */
interface CallWithAuth {
  getAuthContext(): AuthContext;
}

/** How grpc-js nests a call: the handler's call object, then its intercepting calls, then the one holding the HTTP/2 stream. */
interface CallInternals {
  call?: CallInternals;
  nextCall?: CallInternals;
  stream?: { session?: object };
}

const MAX_CALL_DEPTH = 8;

/**
 * The HTTP/2 session (one TLS connection) a call came on. grpc-js' API has no way to it, but its
 * call objects keep the HTTP/2 stream; when they no longer do, the answer is undefined and every
 * call asks grpc-js again, as before.
 */
function sessionOf(call: object): object | undefined {
  let at = (call as CallInternals).call;
  for (let depth = 0; at && depth < MAX_CALL_DEPTH; depth++) {
    if (at.stream) return at.stream.session;
    at = at.nextCall;
  }
  return undefined;
}

const bySession = new WeakMap<object, AuthContext>();

/**
 * The auth context of a call's connection, read once per HTTP/2 session. grpc-js builds it anew on
 * every call from the TLS socket's peer certificate (Node's getPeerCertificate, about 90 µs on a
 * busy machine), though the certificate was verified once, in the handshake, and stays the
 * connection's: HTTP/2 forbids renegotiation, and a session ends with its connection (so does its
 * entry here, with the session object).
 */
export function connectionAuthContext(call: CallWithAuth): AuthContext {
  const session = sessionOf(call);
  if (!session) return call.getAuthContext();
  let auth = bySession.get(session);
  if (!auth) {
    auth = call.getAuthContext();
    bySession.set(session, auth);
  }
  return auth;
}
