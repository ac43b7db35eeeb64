import { createHash, createPrivateKey, createPublicKey, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

// JSON Web Tokens (RFC 7519) signed with ES256 (ECDSA P-256, SHA-256; RFC 7518 §3.4) through
// Node's crypto: the compact form header.payload.signature, each part base64url.

export const JWT_ALGORITHM = 'ES256';

/** The registered claims a ServiceAccount token carries, and anything else as JSON. */
export interface JwtClaims {
  iss?: string;
  sub?: string;
  aud?: string[];
  exp?: number;
  iat?: number;
  nbf?: number;
  [claim: string]: unknown;
}

export class JwtError extends Error {
  override readonly name = 'JwtError';
}

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

function decodePart(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new JwtError(`malformed token ${what}`);
}

/** A key's id as Kubernetes derives it: the unpadded base64url SHA-256 of the public key's DER (SPKI). */
export function keyId(publicKey: KeyObject): string {
  return base64url(createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest());
}

/** Signs claims with a P-256 private key (PEM). */
export class JwtSigner {
  readonly #key: KeyObject;
  readonly #kid: string;

  constructor(privateKeyPem: string) {
    this.#key = createPrivateKey(privateKeyPem);
    if (this.#key.asymmetricKeyType !== 'ec' || this.#key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new JwtError('the signing key must be an ECDSA P-256 private key (ES256)');
    }
    this.#kid = keyId(createPublicKey(this.#key));
  }

  /** The matching public key (SPKI PEM), for verifiers. */
  publicKeyPem(): string {
    return createPublicKey(this.#key).export({ type: 'spki', format: 'pem' }).toString();
  }

  sign(claims: JwtClaims): string {
    const signingInput = `${base64url(JSON.stringify({ alg: JWT_ALGORITHM, kid: this.#kid }))}.${base64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key: this.#key, dsaEncoding: 'ieee-p1363' });
    return `${signingInput}.${base64url(signature)}`;
  }
}

/** The shape of a JWT: three base64url parts. Cheap, so other bearer tokens skip verification. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/** Verifies the signature with any of the public keys (PEM) and returns the claims; time and audience are the caller's to check. */
export class JwtVerifier {
  readonly #keys: { key: KeyObject; kid: string }[];

  constructor(publicKeyPems: readonly string[]) {
    this.#keys = publicKeyPems.map((pem) => {
      const key = createPublicKey(pem);
      return { key, kid: keyId(key) };
    });
  }

  verify(token: string): JwtClaims {
    const parts = token.split('.');
    if (parts.length !== 3) throw new JwtError('malformed token');
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    const header = decodePart(headerPart, 'header');
    if (header.alg !== JWT_ALGORITHM) throw new JwtError(`unsupported signing algorithm ${JSON.stringify(header.alg)}`);
    const signingInput = Buffer.from(`${headerPart}.${payloadPart}`);
    const signature = Buffer.from(signaturePart, 'base64url');
    const candidates = typeof header.kid === 'string' ? this.#keys.filter((k) => k.kid === header.kid) : this.#keys;
    if (!candidates.some(({ key }) => verify('sha256', signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature))) {
      throw new JwtError('invalid signature');
    }
    return decodePart(payloadPart, 'payload') as JwtClaims;
  }

  /** The public keys as a JSON Web Key Set (for /openid/v1/jwks). */
  jwks(): { keys: JsonWebKey[] } {
    return { keys: this.#keys.map(({ key, kid }) => ({ ...key.export({ format: 'jwk' }), kid, use: 'sig', alg: JWT_ALGORITHM })) };
  }
}
