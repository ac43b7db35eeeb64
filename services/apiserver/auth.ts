import type { Metadata } from '@grpc/grpc-js';
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

/** Bearer-token authentication from the `authorization` metadata of a call. */
export function authenticate(authenticator: TokenAuthenticator | undefined, metadata: Metadata): TokenUser {
  const header = metadata.get('authorization')[0];
  return authenticateAuthorization(authenticator, typeof header === 'string' ? header : header?.toString());
}

/** Bearer-token authentication from an authorization header's value, for gRPC calls and HTTP requests alike. */
export function authenticateAuthorization(authenticator: TokenAuthenticator | undefined, value: string | undefined): TokenUser {
  if (!value || !authenticator) throw new ApiError('Unauthorized', 'Unauthorized');
  let accepted = acceptedHeaders.get(authenticator);
  const cached = accepted?.get(value);
  if (cached) return cached;
  const match = /^Bearer\s+(\S+)$/i.exec(value);
  const user = match ? authenticator.authenticate(match[1]!) : undefined;
  if (!user) throw new ApiError('Unauthorized', 'Unauthorized');
  if (!accepted) acceptedHeaders.set(authenticator, (accepted = new Map()));
  if (accepted.size >= MAX_CACHED_HEADERS) accepted.clear();
  accepted.set(value, user);
  return user;
}
