import type { Metadata } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ApiError } from '../../lib/api/errors.js';
import type { TokenAuthenticator, TokenUser } from '../../lib/auth/token-file.js';
import type { AuthContext } from './connection-auth.js';

/** A source of users for bearer tokens besides the token file (ServiceAccount tokens). */
export interface TokenVerifier {
  authenticate(token: string): TokenUser | undefined;
}

/**
 * Users of accepted static tokens. The token file is read once at start, so an answer never
 * changes; a hit skips the SHA-256 and the comparison with every known token (one per node and
 * component) that each call would otherwise pay. Only accepted tokens are kept, so a hit tells a
 * caller nothing a successful call would not; the bound keeps the map small should callers cycle
 * through many valid tokens.
 */
const MAX_CACHED_TOKENS = 4096;

/**
 * Every bearer token's authenticator in turn, as kube-apiserver's union authenticator: the token
 * file first (cached, see above), then the verifiers, asked every time since their tokens expire
 * and the objects they are bound to can go.
 */
export class BearerAuthenticator {
  readonly #accepted = new Map<string, TokenUser>();

  constructor(
    private readonly staticTokens: TokenAuthenticator | undefined,
    private readonly verifiers: readonly TokenVerifier[] = [],
  ) {}

  authenticate(token: string): TokenUser | undefined {
    const cached = this.#accepted.get(token);
    if (cached) return cached;
    const user = this.staticTokens?.authenticate(token);
    if (user) {
      if (this.#accepted.size >= MAX_CACHED_TOKENS) this.#accepted.clear();
      this.#accepted.set(token, user);
      return user;
    }
    for (const verifier of this.verifiers) {
      const found = verifier.authenticate(token);
      if (found) return found;
    }
    return undefined;
  }
}

/**
 * Kubernetes' answer to a failed authentication: only "Unauthorized" for the client, with the
 * reason kept for the apiserver's own log (never the token).
 */
export function unauthenticated(why: string): ApiError {
  const err = new ApiError('Unauthorized', 'Unauthorized');
  err.cause = why;
  return err;
}

/** Logs a failed authentication with where it came from and why. */
export function logAuthenticationFailure(log: Logger, err: unknown, source: string): void {
  if (err instanceof ApiError && err.reason === 'Unauthorized' && typeof err.cause === 'string') log.warn({ source, reason: err.cause }, 'authentication failed');
}

/** A verified client certificate's subject as the user it stands for, as kube-apiserver reads one: common name = user, organizations = groups. */
export function certificateSubjectUser(subject: Record<string, string | string[] | undefined> | undefined): TokenUser | undefined {
  const name = subject?.CN;
  if (typeof name !== 'string' || name === '') return undefined;
  const organizations = subject?.O;
  const groups = organizations === undefined ? [] : Array.isArray(organizations) ? organizations : [organizations];
  return { name, uid: '', groups };
}

/**
 * Who makes a gRPC call: its bearer token (the `authorization` metadata) or else the client
 * certificate of its connection, which grpc-js hands over only when the cluster CA signed it.
 */
export function authenticate(authenticator: BearerAuthenticator | undefined, metadata: Metadata, auth?: AuthContext): TokenUser {
  const header = metadata.get('authorization')[0];
  const value = typeof header === 'string' ? header : header?.toString();
  if (!value) {
    const user = certificateSubjectUser(auth?.sslPeerCertificate?.subject as unknown as Record<string, string | string[] | undefined> | undefined);
    if (user) return user;
  }
  return authenticateAuthorization(authenticator, value);
}

/** Bearer-token authentication from an authorization header's value, for gRPC calls and HTTP requests alike. */
export function authenticateAuthorization(authenticator: BearerAuthenticator | undefined, value: string | undefined): TokenUser {
  if (!value) throw unauthenticated('no credentials');
  if (!authenticator) throw unauthenticated('no token file: every token is refused');
  const match = /^Bearer\s+(\S+)$/i.exec(value);
  if (!match) throw unauthenticated('the authorization header is not a bearer token');
  const user = authenticator.authenticate(match[1]!);
  if (!user) throw unauthenticated('unknown bearer token');
  return user;
}
