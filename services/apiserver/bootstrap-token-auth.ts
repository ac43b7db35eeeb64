import { BOOTSTRAP_TOKEN_NAMESPACE, bootstrapTokenUser, type BootstrapTokenSecret } from '../../lib/auth/bootstrap-token.js';
import type { TokenUser } from '../../lib/auth/token-file.js';
import type { TokenVerifier } from './auth.js';

/**
 * Bootstrap tokens from the Secrets of kube-system (read from the watch cache, so a deleted or
 * expired token stops working at once, before the tokencleaner removes it).
 */
export class BootstrapTokenVerifier implements TokenVerifier {
  constructor(
    private readonly secret: (namespace: string, name: string) => BootstrapTokenSecret | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  authenticate(token: string): TokenUser | undefined {
    return bootstrapTokenUser(token, (name) => this.secret(BOOTSTRAP_TOKEN_NAMESPACE, name), this.now());
  }
}
