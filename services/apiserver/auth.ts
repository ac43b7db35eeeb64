import type { Metadata } from '@grpc/grpc-js';
import { ApiError } from '../../lib/api/errors.js';
import type { TokenAuthenticator, TokenUser } from '../../lib/auth/token-file.js';

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

/** Bearer-token authentication from the `authorization` metadata of a call. */
export function authenticate(authenticator: BearerAuthenticator | undefined, metadata: Metadata): TokenUser {
  const header = metadata.get('authorization')[0];
  return authenticateAuthorization(authenticator, typeof header === 'string' ? header : header?.toString());
}

/** Bearer-token authentication from an authorization header's value, for gRPC calls and HTTP requests alike. */
export function authenticateAuthorization(authenticator: BearerAuthenticator | undefined, value: string | undefined): TokenUser {
  if (!value || !authenticator) throw new ApiError('Unauthorized', 'Unauthorized');
  const match = /^Bearer\s+(\S+)$/i.exec(value);
  const user = match ? authenticator.authenticate(match[1]!) : undefined;
  if (!user) throw new ApiError('Unauthorized', 'Unauthorized');
  return user;
}
