import type { Secret } from '../../../lib/api/generated/index.js';

/**
 * Kubernetes' SetDefaults_Secret, and the merge its conversion does: `stringData` is a write-only
 * convenience, copied into `data` as UTF-8 (winning over a key present in both) and never stored.
 */
export function defaultSecret(secret: Secret): void {
  secret.type ||= 'Opaque';
  const stringData = secret.stringData;
  if (stringData) {
    const data = (secret.data ??= {});
    for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(value, 'utf8');
  }
  delete secret.stringData;
}
