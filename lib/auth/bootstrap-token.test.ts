import { describe, expect, it } from 'vitest';
import {
  bootstrapTokenSecretData,
  bootstrapTokenUser,
  generateBootstrapToken,
  parseBootstrapToken,
  type BootstrapTokenSecret,
} from './bootstrap-token.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

function secretOf(data: Record<string, string>, overrides: Partial<BootstrapTokenSecret> = {}): BootstrapTokenSecret {
  return {
    metadata: { name: `bootstrap-token-${data['token-id']}`, namespace: 'kube-system' },
    type: 'bootstrap.kubernetes.io/token',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v)])),
    ...overrides,
  };
}

const valid = {
  'token-id': 'abcdef',
  'token-secret': '0123456789abcdef',
  'usage-bootstrap-authentication': 'true',
  'usage-bootstrap-signing': 'true',
  'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token',
  expiration: '2026-01-02T00:00:00Z',
};

const userFor = (token: string, secret: BootstrapTokenSecret | undefined) =>
  bootstrapTokenUser(token, (name) => (name === secret?.metadata?.name ? secret : undefined), NOW);

describe('bootstrap tokens', () => {
  it('parses only <6 of [a-z0-9]>.<16 of [a-z0-9]>', () => {
    expect(parseBootstrapToken('abcdef.0123456789abcdef')).toEqual({ id: 'abcdef', secret: '0123456789abcdef' });
    for (const bad of ['ABCDEF.0123456789abcdef', 'abcde.0123456789abcdef', 'abcdef.0123456789abcde', 'abcdef0123456789abcdef', 'abcdef.0123456789abcdef ']) {
      expect(parseBootstrapToken(bad)).toBeUndefined();
    }
  });

  it('generates tokens of that shape', () => {
    const t = generateBootstrapToken();
    expect(parseBootstrapToken(`${t.id}.${t.secret}`)).toEqual(t);
  });

  it('authenticates a live token as system:bootstrap:<id> with the bootstrappers and extra groups', () => {
    expect(userFor('abcdef.0123456789abcdef', secretOf(valid))).toEqual({
      name: 'system:bootstrap:abcdef',
      uid: '',
      groups: ['system:bootstrappers', 'system:bootstrappers:kubeadm:default-node-token'],
    });
  });

  it.each([
    ['a wrong secret', 'abcdef.0123456789abcdee', secretOf(valid)],
    ['no Secret', 'abcdef.0123456789abcdef', undefined],
    ['another type', 'abcdef.0123456789abcdef', secretOf(valid, { type: 'Opaque' })],
    ['a token-id that differs from the name', 'abcdef.0123456789abcdef', secretOf({ ...valid, 'token-id': 'abcdeg' }, { metadata: { name: 'bootstrap-token-abcdef' } })],
    ['no authentication usage', 'abcdef.0123456789abcdef', secretOf({ ...valid, 'usage-bootstrap-authentication': 'false' })],
    ['an expired token', 'abcdef.0123456789abcdef', secretOf({ ...valid, expiration: '2025-12-31T23:59:59Z' })],
    ['an unreadable expiration', 'abcdef.0123456789abcdef', secretOf({ ...valid, expiration: 'tomorrow' })],
    ['a bad extra group', 'abcdef.0123456789abcdef', secretOf({ ...valid, 'auth-extra-groups': 'system:masters' })],
  ])('refuses %s', (_what, token, secret) => {
    expect(userFor(token, secret)).toBeUndefined();
  });

  it('accepts a token without expiration', () => {
    const { expiration: _dropped, ...forever } = valid;
    expect(userFor('abcdef.0123456789abcdef', secretOf(forever))?.name).toBe('system:bootstrap:abcdef');
  });

  it("writes kubeadm's Secret data", () => {
    const data = bootstrapTokenSecretData({ id: 'abcdef', secret: '0123456789abcdef' }, { expiresAt: new Date(NOW), description: 'd', groups: ['system:bootstrappers:kubeadm:default-node-token'] });
    expect(data).toEqual({ ...valid, expiration: '2026-01-01T00:00:00Z', description: 'd' });
    expect(userFor('abcdef.0123456789abcdef', secretOf(data))).toBeUndefined();
  });
});
