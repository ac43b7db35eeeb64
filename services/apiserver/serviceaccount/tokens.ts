import { randomUUID } from 'node:crypto';
import type { ObjectMeta, Pod, ServiceAccount } from '../../../lib/api/generated/index.js';
import { JwtError, looksLikeJwt, type JwtClaims, type JwtSigner, type JwtVerifier } from '../../../lib/auth/jwt.js';
import type { TokenUser } from '../../../lib/auth/token-file.js';
import type { TokenVerifier } from '../auth.js';

// ServiceAccount tokens as Kubernetes issues them through the TokenRequest API: bound JWTs whose
// `sub` names the account and whose private `kubernetes.io` claim names its namespace, the account
// and (when bound) the pod, each with its uid. They authenticate only while unexpired, for one of
// the apiserver's audiences, and while the account and pod still exist with the same uids.

export const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';
const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
const AUTHENTICATED_GROUP = 'system:authenticated';

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;
}

/** The private claim: where the token belongs. */
interface KubernetesClaim {
  namespace: string;
  serviceaccount: { name: string; uid: string };
  pod?: { name: string; uid: string };
}

export interface IssuedToken {
  token: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

export interface TokenIssuerOptions {
  signer: JwtSigner;
  verifier: JwtVerifier;
  /** The `iss` of every token (--service-account-issuer). */
  issuer: string;
  /** Audiences the apiserver accepts (--api-audiences); the default audience of a token. */
  apiAudiences: readonly string[];
  /** The current objects, as the watch caches hold them. */
  serviceAccount(namespace: string, name: string): ServiceAccount | undefined;
  pod(namespace: string, name: string): Pod | undefined;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
}

/**
 * Tokens whose signature was checked, with their claims. The signature is all the cache skips: it
 * depends only on the token and the keys, which are fixed while the apiserver runs; expiry,
 * audience and the account and pod (revocation) are checked on every call as before. Only tokens
 * this apiserver's keys signed get in, so callers cannot fill it with garbage; the bound keeps it
 * small should many pods' tokens be used at once.
 */
const MAX_VERIFIED_TOKENS = 4096;

export class ServiceAccountTokens implements TokenVerifier {
  readonly #opts: TokenIssuerOptions;
  readonly #now: () => number;
  readonly #verified = new Map<string, Readonly<JwtClaims>>();

  constructor(opts: TokenIssuerOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  get issuer(): string {
    return this.#opts.issuer;
  }

  get apiAudiences(): readonly string[] {
    return this.#opts.apiAudiences;
  }

  jwks(): ReturnType<JwtVerifier['jwks']> {
    return this.#opts.verifier.jwks();
  }

  /** Signs a token for the account, bound to the pod when given; the caller has checked both. */
  issue(sa: ServiceAccount, opts: { audiences: readonly string[]; expirationSeconds: number; pod?: Pod }): IssuedToken {
    const now = Math.floor(this.#now() / 1000);
    const namespace = sa.metadata?.namespace ?? '';
    const name = sa.metadata?.name ?? '';
    const kubernetes: KubernetesClaim = { namespace, serviceaccount: { name, uid: sa.metadata?.uid ?? '' } };
    if (opts.pod) kubernetes.pod = { name: opts.pod.metadata?.name ?? '', uid: opts.pod.metadata?.uid ?? '' };
    const expiresAt = now + opts.expirationSeconds;
    const claims: JwtClaims = {
      aud: [...opts.audiences],
      exp: expiresAt,
      iat: now,
      iss: this.#opts.issuer,
      jti: randomUUID(),
      'kubernetes.io': kubernetes,
      nbf: now,
      sub: serviceAccountUsername(namespace, name),
    };
    return { token: this.#opts.signer.sign(claims), expiresAt };
  }

  /** The user of a valid token; undefined for anything else (another issuer's JWT, a static token, a stale one). */
  authenticate(token: string): TokenUser | undefined {
    const claims = this.#verifiedClaims(token);
    const user = claims && this.#userOf(claims);
    // A token that no longer authenticates (expired, its account or pod gone) leaves the cache.
    if (!user) this.#verified.delete(token);
    return user;
  }

  /** The claims of a token signed with one of the keys; undefined for anything else. */
  #verifiedClaims(token: string): Readonly<JwtClaims> | undefined {
    const cached = this.#verified.get(token);
    if (cached) return cached;
    if (!looksLikeJwt(token)) return undefined;
    let claims: JwtClaims;
    try {
      claims = this.#opts.verifier.verify(token);
    } catch (err) {
      if (err instanceof JwtError) return undefined;
      throw err;
    }
    if (this.#verified.size >= MAX_VERIFIED_TOKENS) this.#verified.clear();
    this.#verified.set(token, claims);
    return claims;
  }

  #userOf(claims: Readonly<JwtClaims>): TokenUser | undefined {
    if (claims.iss !== this.#opts.issuer) return undefined;
    const now = Math.floor(this.#now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp <= now) return undefined;
    if (typeof claims.nbf === 'number' && claims.nbf > now) return undefined;
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.some((a) => this.#opts.apiAudiences.includes(a as string))) return undefined;
    const k8s = claims['kubernetes.io'] as KubernetesClaim | undefined;
    if (!k8s?.namespace || !k8s.serviceaccount?.name) return undefined;
    if (claims.sub !== serviceAccountUsername(k8s.namespace, k8s.serviceaccount.name)) return undefined;
    // A pod being deleted gracefully keeps its identity until its deletion time, so it can shut down cleanly.
    const live = (meta: ObjectMeta | undefined, uid: string): boolean => meta?.uid === uid && !(meta.deletionTimestamp && Date.parse(meta.deletionTimestamp) <= this.#now());
    if (!live(this.#opts.serviceAccount(k8s.namespace, k8s.serviceaccount.name)?.metadata, k8s.serviceaccount.uid)) return undefined;
    if (k8s.pod && !live(this.#opts.pod(k8s.namespace, k8s.pod.name)?.metadata, k8s.pod.uid)) return undefined;
    return {
      name: claims.sub,
      uid: k8s.serviceaccount.uid,
      groups: [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${k8s.namespace}`, AUTHENTICATED_GROUP],
    };
  }
}
