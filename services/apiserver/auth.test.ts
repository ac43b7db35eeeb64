import { Metadata } from '@grpc/grpc-js';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../lib/api/errors.js';
import { TokenAuthenticator } from '../../lib/auth/token-file.js';
import { authenticate, BearerAuthenticator, logAuthenticationFailure } from './auth.js';

function withHeader(value?: string): Metadata {
  const md = new Metadata();
  if (value !== undefined) md.set('authorization', value);
  return md;
}

const admin = { name: 'admin', uid: 'u1', groups: ['system:masters'] };

describe('authenticate', () => {
  it('finds the user of a bearer token and refuses missing, malformed and unknown ones', () => {
    const auth = new BearerAuthenticator(new TokenAuthenticator([{ token: 'tok-admin', user: admin }]));
    expect(authenticate(auth, withHeader('Bearer tok-admin'))).toEqual(admin);
    expect(authenticate(auth, withHeader('bearer  tok-admin'))).toEqual(admin);
    for (const header of [undefined, '', 'Basic tok-admin', 'Bearer tok-other', 'Bearer tok-admin extra']) {
      expect(() => authenticate(auth, withHeader(header))).toThrow(ApiError);
    }
    expect(() => authenticate(undefined, withHeader('Bearer tok-admin'))).toThrow(ApiError);
  });

  it('checks an accepted header against the token file only once, and a refused one every time', () => {
    const tokens = new TokenAuthenticator([{ token: 'tok-admin', user: admin }]);
    const auth = new BearerAuthenticator(tokens);
    const lookup = vi.spyOn(tokens, 'authenticate');
    for (let i = 0; i < 3; i++) expect(authenticate(auth, withHeader('Bearer tok-admin'))).toEqual(admin);
    expect(lookup).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 3; i++) expect(() => authenticate(auth, withHeader('Bearer tok-wrong'))).toThrow(ApiError);
    expect(lookup).toHaveBeenCalledTimes(4);
  });

  it('asks the verifiers after the token file, every time', () => {
    const sa = { name: 'system:serviceaccount:default:app', uid: 'u2', groups: ['system:serviceaccounts'] };
    const verifier = { authenticate: vi.fn((token: string) => (token === 'jwt' ? sa : undefined)) };
    const auth = new BearerAuthenticator(new TokenAuthenticator([{ token: 'tok-admin', user: admin }]), [verifier]);
    expect(authenticate(auth, withHeader('Bearer tok-admin'))).toEqual(admin);
    expect(verifier.authenticate).not.toHaveBeenCalled();
    for (let i = 0; i < 2; i++) expect(authenticate(auth, withHeader('Bearer jwt'))).toEqual(sa);
    expect(verifier.authenticate).toHaveBeenCalledTimes(2);
    expect(() => authenticate(new BearerAuthenticator(undefined, [verifier]), withHeader('Bearer other'))).toThrow(ApiError);
  });

  it('logs a failure with its source and reason, never the token', () => {
    const auth = new BearerAuthenticator(new TokenAuthenticator([{ token: 'tok-admin', user: admin }]));
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    for (const header of [undefined, 'Basic tok-secret', 'Bearer tok-secret']) {
      try {
        authenticate(auth, withHeader(header));
      } catch (err) {
        expect((err as ApiError).message).toBe('Unauthorized');
        logAuthenticationFailure(log, err, '10.0.0.7');
      }
    }
    const logged = lines.map((l) => JSON.parse(l) as { source: string; reason: string; msg: string });
    expect(logged.map((l) => [l.source, l.reason, l.msg])).toEqual([
      ['10.0.0.7', 'no credentials', 'authentication failed'],
      ['10.0.0.7', 'the authorization header is not a bearer token', 'authentication failed'],
      ['10.0.0.7', 'unknown bearer token', 'authentication failed'],
    ]);
    expect(lines.join('')).not.toContain('tok-secret');
  });
});
