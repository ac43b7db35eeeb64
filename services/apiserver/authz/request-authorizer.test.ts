import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { WatchCache } from '../watch/index.js';
import { RequestAuthorizer } from './request-authorizer.js';

/** The authorizer over empty RBAC caches: identify needs none of their content. */
function authorizer(): RequestAuthorizer {
  const empty = { list: () => ({ items: [] }), get: () => undefined, revision: 1 } as unknown as WatchCache;
  const caches = new Map(['clusterrolebindings', 'rolebindings', 'clusterroles', 'roles'].map((r) => [r, empty]));
  return new RequestAuthorizer({ caches, log: pino({ level: 'silent' }) });
}

const noHeaders = (): string[] => [];

describe('RequestAuthorizer.identify', () => {
  it('adds system:authenticated once per user object, leaving the authenticated user as it was', () => {
    const authz = authorizer();
    const jane = { name: 'jane', uid: 'u1', groups: ['devs'] };
    const first = authz.identify(jane, noHeaders);
    expect(first).toEqual({ name: 'jane', uid: 'u1', groups: ['devs', 'system:authenticated'] });
    expect(authz.identify(jane, noHeaders)).toBe(first);
    expect(jane.groups).toEqual(['devs']);
    expect(authz.identify({ name: 'jane', uid: 'u1', groups: ['ops'] }, noHeaders).groups).toEqual(['ops', 'system:authenticated']);
  });

  it('leaves the anonymous user unauthenticated', () => {
    expect(authorizer().identify({ name: 'system:anonymous', groups: ['system:unauthenticated'] }, noHeaders).groups).toEqual(['system:unauthenticated']);
  });
});
