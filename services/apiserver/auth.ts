import type { Metadata } from '@grpc/grpc-js';
import { ApiError } from '../../lib/api/errors.js';
import type { TokenAuthenticator, TokenUser } from '../../lib/auth/token-file.js';

/** Bearer-token authentication from the `authorization` metadata of a call. */
export function authenticate(authenticator: TokenAuthenticator | undefined, metadata: Metadata): TokenUser {
  const header = metadata.get('authorization')[0];
  const value = typeof header === 'string' ? header : header?.toString();
  const match = value ? /^Bearer\s+(\S+)$/i.exec(value) : null;
  const user = match && authenticator ? authenticator.authenticate(match[1]!) : undefined;
  if (!user) throw new ApiError('Unauthorized', 'Unauthorized');
  return user;
}
