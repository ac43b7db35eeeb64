import type { Pod, TokenRequest } from '../../../../lib/api/generated/index.js';

// The kubelet's ServiceAccount tokens for projected volumes, as Kubernetes' token manager keeps
// them: requested under the kubelet's own identity (the Node authorizer lets a node ask only for
// the accounts of its pods, bound to such a pod), cached per pod, account, audience and lifetime,
// and renewed once 80% of the lifetime has passed or the token is 24 hours old.

/** Asks the apiserver for a token (serviceaccounts/token). */
export type RequestToken = (namespace: string, serviceAccount: string, request: TokenRequest) => Promise<TokenRequest>;

/** What a projected volume asks for; the default lifetime is Kubernetes' hour. */
export interface TokenWanted {
  audience?: string;
  expirationSeconds?: number;
}

interface CachedToken {
  token: string;
  /** Milliseconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
}

const DEFAULT_EXPIRATION_SECONDS = 3600;
const MAX_TOKEN_AGE_MS = 24 * 60 * 60 * 1000;
const REFRESH_AT_FRACTION = 0.8;

/** Whether a cached token must be renewed at `now`: past 80% of its lifetime, or a day old. */
export function requiresRefresh(token: CachedToken, now: number): boolean {
  const lifetime = token.expiresAt - token.issuedAt;
  return now >= token.issuedAt + lifetime * REFRESH_AT_FRACTION || now >= token.issuedAt + MAX_TOKEN_AGE_MS;
}

export class TokenManager {
  readonly #cache = new Map<string, CachedToken>();

  constructor(
    private readonly request: RequestToken,
    private readonly now: () => number = Date.now,
  ) {}

  /** The pod's token for the audience: the cached one while fresh, else a new one bound to the pod. */
  async token(pod: Pod, wanted: TokenWanted): Promise<string> {
    const namespace = pod.metadata?.namespace || 'default';
    const account = pod.spec?.serviceAccountName || 'default';
    const seconds = Number(wanted.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS);
    const key = JSON.stringify([pod.metadata?.uid ?? '', namespace, account, wanted.audience ?? '', seconds]);
    const cached = this.#cache.get(key);
    const now = this.now();
    if (cached && !requiresRefresh(cached, now)) return cached.token;
    const created = await this.request(namespace, account, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {
        audiences: wanted.audience ? [wanted.audience] : [],
        expirationSeconds: seconds,
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
      },
    });
    const token = created.status?.token ?? '';
    const expiresAt = Date.parse(created.status?.expirationTimestamp ?? '');
    this.#cache.set(key, { token, issuedAt: now, expiresAt: Number.isNaN(expiresAt) ? now + seconds * 1000 : expiresAt });
    return token;
  }

  /** Drops a pod's tokens once its volumes are torn down. */
  forgetPod(uid: string): void {
    const prefix = JSON.stringify([uid]).slice(0, -1);
    for (const key of this.#cache.keys()) if (key.startsWith(prefix + ',')) this.#cache.delete(key);
  }
}
