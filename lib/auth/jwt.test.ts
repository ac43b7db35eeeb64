import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JwtError, JwtSigner, JwtVerifier, looksLikeJwt } from './jwt.js';

function keyPair(): { privatePem: string; publicPem: string } {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

describe('ES256 JWTs', () => {
  const key = keyPair();
  const claims = { iss: 'https://issuer', sub: 'system:serviceaccount:default:app', aud: ['api'], exp: 2000, iat: 1000, nbf: 1000 };

  it('round-trip: the claims come back from a token signed with the matching key', () => {
    const token = new JwtSigner(key.privatePem).sign(claims);
    expect(looksLikeJwt(token)).toBe(true);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'ES256' });
    expect(new JwtVerifier([key.publicPem]).verify(token)).toEqual(claims);
  });

  it('refuses a token signed with another key', () => {
    const token = new JwtSigner(keyPair().privatePem).sign(claims);
    expect(() => new JwtVerifier([key.publicPem]).verify(token)).toThrow(new JwtError('invalid signature'));
  });

  it('refuses a token whose payload was changed after signing', () => {
    const [header, , signature] = new JwtSigner(key.privatePem).sign(claims).split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url');
    expect(() => new JwtVerifier([key.publicPem]).verify(`${header}.${forged}.${signature}`)).toThrow('invalid signature');
  });

  it('refuses unsigned tokens (alg none) and malformed ones', () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    expect(() => new JwtVerifier([key.publicPem]).verify(none)).toThrow('unsupported signing algorithm "none"');
    expect(() => new JwtVerifier([key.publicPem]).verify('a.b')).toThrow('malformed token');
    expect(looksLikeJwt('static-token-abc')).toBe(false);
  });

  it('refuses an RSA key for signing', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => new JwtSigner(rsa)).toThrow('ECDSA P-256');
  });

  it('publishes the verification keys as a JWKS with their key ids', () => {
    const jwks = new JwtVerifier([key.publicPem]).jwks();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'sig', alg: 'ES256' });
    const token = new JwtSigner(key.privatePem).sign(claims);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid).toBe(jwks.keys[0]!.kid);
  });
});
