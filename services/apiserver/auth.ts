import type { Metadata } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ApiError } from '../../lib/api/errors.js';
import type { TokenAuthenticator, TokenUser } from '../../lib/auth/token-file.js';

/**
 * Users of authorization headers that authenticated before, per authenticator. The token file is
 * read once at start, so an answer never changes; a hit skips the SHA-256 and the comparison with
 * every known token (one per node and component) that each call would otherwise pay. Only accepted
 * tokens are kept, so a hit tells a caller nothing a successful call would not; the bound keeps
 * the map small should callers cycle through many valid tokens.
 */
const MAX_CACHED_HEADERS = 4096;
const acceptedHeaders = new WeakMap<TokenAuthenticator, Map<string, TokenUser>>();

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

/** Bearer-token authentication from the `authorization` metadata of a call. */
export function authenticate(authenticator: TokenAuthenticator | undefined, metadata: Metadata): TokenUser {
  const header = metadata.get('authorization')[0];
  return authenticateAuthorization(authenticator, typeof header === 'string' ? header : header?.toString());
}

/** Bearer-token authentication from an authorization header's value, for gRPC calls and HTTP requests alike. */
export function authenticateAuthorization(authenticator: TokenAuthenticator | undefined, value: string | undefined): TokenUser {
  if (!value) throw unauthenticated('no credentials');
  if (!authenticator) throw unauthenticated('no token file: every token is refused');
  let accepted = acceptedHeaders.get(authenticator);
  const cached = accepted?.get(value);
  if (cached) return cached;
  const match = /^Bearer\s+(\S+)$/i.exec(value);
  if (!match) throw unauthenticated('the authorization header is not a bearer token');
  const user = authenticator.authenticate(match[1]!);
  if (!user) throw unauthenticated('unknown bearer token');
  if (!accepted) acceptedHeaders.set(authenticator, (accepted = new Map()));
  if (accepted.size >= MAX_CACHED_HEADERS) accepted.clear();
  accepted.set(value, user);
  return user;
}
