import type { ServiceAccountTokens } from './tokens.js';

// OpenID Connect discovery of the ServiceAccount token issuer, as kube-apiserver serves it: others
// (a cloud's workload identity, a Vault) verify the cluster's tokens with the published keys.

export const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/openid/v1/jwks';

export function openIdConfiguration(tokens: ServiceAccountTokens): object {
  return {
    issuer: tokens.issuer,
    jwks_uri: `${tokens.issuer.replace(/\/$/, '')}${JWKS_PATH}`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...new Set(tokens.jwks().keys.map((k) => k.alg as string))],
  };
}
