import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Pod, ServiceAccount } from '../../../lib/api/generated/index.js';
import { JwtSigner, JwtVerifier } from '../../../lib/auth/jwt.js';
import { ServiceAccountTokens } from './tokens.js';

function keyPems(): { privatePem: string; publicPem: string } {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

const ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** An issuer over a small in-memory world, with a clock the test moves. */
function world() {
  const key = keyPems();
  const accounts = new Map<string, ServiceAccount>([['default/app', { metadata: { name: 'app', namespace: 'default', uid: 'sa-uid-1' } }]]);
  const pods = new Map<string, Pod>([['default/web', { metadata: { name: 'web', namespace: 'default', uid: 'pod-uid-1' }, spec: { serviceAccountName: 'app' } }]]);
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
  const tokens = new ServiceAccountTokens({
    signer: new JwtSigner(key.privatePem),
    verifier: new JwtVerifier([key.publicPem]),
    issuer: ISSUER,
    apiAudiences: [ISSUER],
    serviceAccount: (ns, name) => accounts.get(`${ns}/${name}`),
    pod: (ns, name) => pods.get(`${ns}/${name}`),
    now: () => clock.now,
  });
  return { tokens, accounts, pods, clock, key };
}

const claimsOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

describe('ServiceAccount tokens', () => {
  it("carry Kubernetes' claims and authenticate as the account with its groups", () => {
    const { tokens, accounts, pods } = world();
    const { token, expiresAt } = tokens.issue(accounts.get('default/app')!, { audiences: [ISSUER], expirationSeconds: 3607, pod: pods.get('default/web') });
    const claims = claimsOf(token);
    expect(claims).toMatchObject({
      iss: ISSUER,
      sub: 'system:serviceaccount:default:app',
      aud: [ISSUER],
      'kubernetes.io': { namespace: 'default', serviceaccount: { name: 'app', uid: 'sa-uid-1' }, pod: { name: 'web', uid: 'pod-uid-1' } },
    });
    expect(claims.exp).toBe(expiresAt);
    expect(claims.exp).toBe((claims.iat as number) + 3607);
    expect(claims.nbf).toBe(claims.iat);
    expect(tokens.authenticate(token)).toEqual({
      name: 'system:serviceaccount:default:app',
      uid: 'sa-uid-1',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
    });
  });

  it('stop authenticating once expired', () => {
    const { tokens, accounts, clock } = world();
    const { token } = tokens.issue(accounts.get('default/app')!, { audiences: [ISSUER], expirationSeconds: 600 });
    clock.now += 599_000;
    expect(tokens.authenticate(token)).toBeDefined();
    clock.now += 1_000;
    expect(tokens.authenticate(token)).toBeUndefined();
  });

  it('authenticate only for one of the apiserver audiences', () => {
    const { tokens, accounts } = world();
    const { token } = tokens.issue(accounts.get('default/app')!, { audiences: ['vault'], expirationSeconds: 600 });
    expect(tokens.authenticate(token)).toBeUndefined();
  });

  it('refuse a token signed with another key, or with another issuer', () => {
    const { tokens, accounts } = world();
    const other = new ServiceAccountTokens({
      signer: new JwtSigner(keyPems().privatePem),
      verifier: new JwtVerifier([keyPems().publicPem]),
      issuer: ISSUER,
      apiAudiences: [ISSUER],
      serviceAccount: () => undefined,
      pod: () => undefined,
    });
    expect(tokens.authenticate(other.issue(accounts.get('default/app')!, { audiences: [ISSUER], expirationSeconds: 600 }).token)).toBeUndefined();
    expect(tokens.authenticate('not-a-jwt')).toBeUndefined();
  });

  it('stop authenticating when the account is deleted, or recreated with another uid', () => {
    const { tokens, accounts } = world();
    const { token } = tokens.issue(accounts.get('default/app')!, { audiences: [ISSUER], expirationSeconds: 600 });
    accounts.set('default/app', { metadata: { name: 'app', namespace: 'default', uid: 'sa-uid-2' } });
    expect(tokens.authenticate(token)).toBeUndefined();
    accounts.delete('default/app');
    expect(tokens.authenticate(token)).toBeUndefined();
  });

  it('bound to a pod, stop authenticating when the pod is gone or replaced', () => {
    const { tokens, accounts, pods } = world();
    const { token } = tokens.issue(accounts.get('default/app')!, { audiences: [ISSUER], expirationSeconds: 600, pod: pods.get('default/web') });
    pods.set('default/web', { metadata: { name: 'web', namespace: 'default', uid: 'pod-uid-2' } });
    expect(tokens.authenticate(token)).toBeUndefined();
    pods.delete('default/web');
    expect(tokens.authenticate(token)).toBeUndefined();
  });

  it('bound to a pod being deleted, authenticate until its deletion time', () => {
    const { tokens, accounts, pods, clock } = world();
    const pod = pods.get('default/web')!;
    const { token } = tokens.issue(accounts.get('default/app')!, { audiences: [ISSUER], expirationSeconds: 600, pod });
    pod.metadata!.deletionTimestamp = new Date(clock.now + 30_000).toISOString();
    expect(tokens.authenticate(token)).toBeDefined();
    clock.now += 30_000;
    expect(tokens.authenticate(token)).toBeUndefined();
  });

  it('check a signature once per token, and the rest of the token on every call', () => {
    const { tokens, accounts, key, clock } = world();
    const verifier = new JwtVerifier([key.publicPem]);
    let verified = 0;
    const verify = verifier.verify.bind(verifier);
    verifier.verify = (token) => {
      verified++;
      return verify(token);
    };
    const counted = new ServiceAccountTokens({ signer: new JwtSigner(key.privatePem), verifier, issuer: ISSUER, apiAudiences: [ISSUER], serviceAccount: (ns, name) => accounts.get(`${ns}/${name}`), pod: () => undefined, now: () => clock.now });
    const { token } = tokens.issue(accounts.get('default/app')!, { audiences: [ISSUER], expirationSeconds: 3600 });
    for (let i = 0; i < 3; i++) expect(counted.authenticate(token)?.name).toBe('system:serviceaccount:default:app');
    expect(verified).toBe(1);
    accounts.delete('default/app');
    expect(counted.authenticate(token)).toBeUndefined();
    accounts.set('default/app', { metadata: { name: 'app', namespace: 'default', uid: 'sa-uid-1' } });
    expect(counted.authenticate(token)?.name).toBe('system:serviceaccount:default:app');
    expect(counted.authenticate(`${token.slice(0, -4)}AAAA`)).toBeUndefined();
  });
});
