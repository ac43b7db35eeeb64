import { describe, expect, it } from 'vitest';
import type { Pod, TokenRequest } from '../../../../lib/api/generated/index.js';
import { requiresRefresh, TokenManager } from './token-manager.js';

const pod: Pod = { metadata: { name: 'web', namespace: 'dev', uid: 'u1' }, spec: { serviceAccountName: 'app' } };

/** A fake TokenRequest API whose tokens last exactly what was asked, on the test's clock. */
function fakeApi(clock: { now: number }) {
  const requests: { namespace: string; name: string; request: TokenRequest }[] = [];
  const request = async (namespace: string, name: string, req: TokenRequest): Promise<TokenRequest> => {
    requests.push({ namespace, name, request: req });
    const expires = new Date(clock.now + Number(req.spec!.expirationSeconds) * 1000).toISOString();
    return { ...req, status: { token: `token-${requests.length}`, expirationTimestamp: expires } };
  };
  return { requests, request };
}

describe('TokenManager', () => {
  it('asks for a token bound to the pod, for its account, and keeps it until 80% of its lifetime', async () => {
    const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
    const api = fakeApi(clock);
    const tokens = new TokenManager(api.request, () => clock.now);
    expect(await tokens.token(pod, { expirationSeconds: 3607 })).toBe('token-1');
    expect(api.requests[0]).toMatchObject({
      namespace: 'dev',
      name: 'app',
      request: { spec: { audiences: [], expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'u1' } } },
    });
    clock.now += Math.floor(3607 * 0.8 * 1000) - 1000;
    expect(await tokens.token(pod, { expirationSeconds: 3607 })).toBe('token-1');
    clock.now += 1000;
    expect(await tokens.token(pod, { expirationSeconds: 3607 })).toBe('token-2');
    expect(api.requests).toHaveLength(2);
  });

  it('keeps one token per audience and renews any token after 24 hours', async () => {
    const clock = { now: 0 };
    const api = fakeApi(clock);
    const tokens = new TokenManager(api.request, () => clock.now);
    const week = 7 * 24 * 3600;
    expect(await tokens.token(pod, { audience: 'vault', expirationSeconds: week })).toBe('token-1');
    expect(await tokens.token(pod, { expirationSeconds: week })).toBe('token-2');
    expect(api.requests[0]!.request.spec!.audiences).toEqual(['vault']);
    clock.now += 24 * 3600 * 1000 - 1;
    expect(await tokens.token(pod, { audience: 'vault', expirationSeconds: week })).toBe('token-1');
    clock.now += 1;
    expect(await tokens.token(pod, { audience: 'vault', expirationSeconds: week })).toBe('token-3');
  });

  it('forgets the tokens of a pod that is gone', async () => {
    const clock = { now: 0 };
    const api = fakeApi(clock);
    const tokens = new TokenManager(api.request, () => clock.now);
    await tokens.token(pod, {});
    tokens.forgetPod('u1');
    expect(await tokens.token(pod, {})).toBe('token-2');
  });
});

describe('requiresRefresh', () => {
  it('is due at 80% of the lifetime or a day, whichever comes first', () => {
    const hour = 3600_000;
    expect(requiresRefresh({ token: 't', issuedAt: 0, expiresAt: hour }, 0.8 * hour - 1)).toBe(false);
    expect(requiresRefresh({ token: 't', issuedAt: 0, expiresAt: hour }, 0.8 * hour)).toBe(true);
    expect(requiresRefresh({ token: 't', issuedAt: 0, expiresAt: 48 * hour }, 24 * hour)).toBe(true);
  });
});
