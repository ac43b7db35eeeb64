import { describe, expect, it } from 'vitest';
import { isApiError } from '../../../lib/api/errors.js';
import { decodeContinueToken, encodeContinueToken } from './continue-token.js';

describe('continue tokens', () => {
  it('round-trip a revision and the last key, in Kubernetes’ format', () => {
    const token = encodeContinueToken(42, '/registry/pods/default/web-1', '/registry/pods/');
    expect(JSON.parse(Buffer.from(token, 'base64url').toString())).toEqual({ v: 'meta.k8s.io/v1', rv: 42, start: 'default/web-1\u0000' });
    expect(decodeContinueToken(token, '/registry/pods/')).toEqual({ revision: 42, lastKey: '/registry/pods/default/web-1' });
  });

  it.each([
    ['not base64 json', '%%%'],
    ['wrong version', Buffer.from(JSON.stringify({ v: 'x', rv: 1, start: 'a' })).toString('base64url')],
    ['bad revision', Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 0, start: 'a' })).toString('base64url')],
    ['empty start', Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 3, start: '' })).toString('base64url')],
    ['escaping start', Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 3, start: '../secrets/x' })).toString('base64url')],
  ])('rejects %s as BadRequest', (_name, token) => {
    let caught: unknown;
    try {
      decodeContinueToken(token, '/registry/pods/');
    } catch (err) {
      caught = err;
    }
    expect(isApiError(caught, 'BadRequest')).toBe(true);
    expect((caught as Error).message).toMatch(/^continue key is not valid/);
  });
});
