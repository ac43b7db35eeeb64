import { randomInt, timingSafeEqual } from 'node:crypto';
import type { TokenUser } from './token-file.js';

// Bootstrap tokens as Kubernetes keeps them: a Secret `bootstrap-token-<id>` in kube-system of type
// bootstrap.kubernetes.io/token, whose data holds the two halves of `<id>.<secret>`, what the token
// may be used for, when it expires and which extra groups it brings.

export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';
export const BOOTSTRAP_TOKEN_NAMESPACE = 'kube-system';
export const BOOTSTRAP_TOKEN_SECRET_PREFIX = 'bootstrap-token-';
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';
/** The group kubeadm gives the tokens it makes for joining nodes, and which its RBAC rules name. */
export const DEFAULT_NODE_TOKEN_GROUP = 'system:bootstrappers:kubeadm:default-node-token';
const USER_PREFIX = 'system:bootstrap:';

const TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const TOKEN_ID = /^[a-z0-9]{6}$/;
const EXTRA_GROUP = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface BootstrapToken {
  id: string;
  secret: string;
}

/** `<id>.<secret>` split in two, or undefined when it is not a bootstrap token's shape. */
export function parseBootstrapToken(text: string): BootstrapToken | undefined {
  const match = TOKEN.exec(text);
  return match ? { id: match[1]!, secret: match[2]! } : undefined;
}

export const isBootstrapTokenId = (id: string): boolean => TOKEN_ID.test(id);
export const bootstrapTokenSecretName = (id: string): string => `${BOOTSTRAP_TOKEN_SECRET_PREFIX}${id}`;
export const formatBootstrapToken = (t: BootstrapToken): string => `${t.id}.${t.secret}`;

/** A fresh random token (6 and 16 characters of [a-z0-9], as kubeadm makes them). */
export function generateBootstrapToken(): BootstrapToken {
  const pick = (n: number): string => Array.from({ length: n }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return { id: pick(6), secret: pick(16) };
}

/** The Secret's data, decoded as text. */
export type TokenSecretData = Record<string, string>;

export interface BootstrapTokenSecret {
  metadata?: { name?: string; namespace?: string } | null;
  type?: string;
  data?: Record<string, Buffer | Uint8Array | string> | null;
}

export function secretText(secret: BootstrapTokenSecret): TokenSecretData {
  return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : Buffer.from(v).toString('utf8')]));
}

/** The token's expiry (RFC 3339) as epoch ms; undefined when it never expires, NaN when unreadable. */
export function tokenExpiry(data: TokenSecretData): number | undefined {
  const text = data.expiration;
  return text === undefined || text === '' ? undefined : Date.parse(text);
}

/** Expired, or with an expiration that cannot be read (which Kubernetes treats as expired). */
export function isTokenExpired(data: TokenSecretData, now: number): boolean {
  const expiry = tokenExpiry(data);
  return expiry !== undefined && (Number.isNaN(expiry) || expiry <= now);
}

/** The extra groups of `auth-extra-groups` (comma-separated), or an error naming the bad one. */
export function extraGroups(data: TokenSecretData): { groups: string[]; error?: string } {
  const groups = (data['auth-extra-groups'] ?? '').split(',').map((g) => g.trim()).filter(Boolean);
  const bad = groups.find((g) => !EXTRA_GROUP.test(g));
  return bad === undefined ? { groups } : { groups: [], error: `auth-extra-groups: ${JSON.stringify(bad)} must match ${EXTRA_GROUP.source}` };
}

/** Whether a group can go into `auth-extra-groups`. */
export const isExtraGroup = (group: string): boolean => EXTRA_GROUP.test(group);

const sameText = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Who a bearer token is when it is a live bootstrap token, as Kubernetes' bootstrap authenticator
 * decides: the Secret must exist, have the type, name the same id, hold the same secret (compared
 * in constant time), allow authentication, be unexpired and carry only well-formed extra groups.
 * Anything else is no user at all, so the next authenticator (or Unauthorized) follows.
 */
export function bootstrapTokenUser(token: string, lookup: (name: string) => BootstrapTokenSecret | undefined, now: number): TokenUser | undefined {
  const parsed = parseBootstrapToken(token);
  if (!parsed) return undefined;
  const secret = lookup(bootstrapTokenSecretName(parsed.id));
  if (!secret || secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE) return undefined;
  const data = secretText(secret);
  if (data['token-id'] !== parsed.id || !sameText(data['token-secret'] ?? '', parsed.secret)) return undefined;
  if (data['usage-bootstrap-authentication'] !== 'true' || isTokenExpired(data, now)) return undefined;
  const extra = extraGroups(data);
  if (extra.error) return undefined;
  return { name: `${USER_PREFIX}${parsed.id}`, uid: '', groups: [BOOTSTRAPPERS_GROUP, ...extra.groups.filter((g) => g !== BOOTSTRAPPERS_GROUP)] };
}

/** The data of a new token's Secret: authentication and signing usages, kubeadm's way. */
export function bootstrapTokenSecretData(token: BootstrapToken, opts: { expiresAt?: Date; description?: string; groups: string[] }): Record<string, string> {
  const data: Record<string, string> = {
    'token-id': token.id,
    'token-secret': token.secret,
    'usage-bootstrap-authentication': 'true',
    'usage-bootstrap-signing': 'true',
    'auth-extra-groups': opts.groups.join(','),
  };
  if (opts.expiresAt) data.expiration = opts.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (opts.description) data.description = opts.description;
  return data;
}
