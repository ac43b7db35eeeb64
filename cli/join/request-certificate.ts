import { isApiError } from '../../lib/api/errors.js';
import { JoinError } from './discovery.js';

/** Kubernetes' answer to a bootstrap token it does not accept, as a join error. */
export function tokenRefused(err: unknown, tokenId: string): unknown {
  if (isApiError(err, 'Unauthorized')) {
    return new JoinError(`the bootstrap token was refused by the API server (Unauthorized): token ID "${tokenId}" is unknown, expired or its secret is wrong`);
  }
  return err;
}
