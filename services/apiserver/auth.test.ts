import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../lib/api/errors.js';
import { TokenAuthenticator } from '../../lib/auth/token-file.js';
import { pino } from 'pino';
import { authenticate, logAuthenticationFailure } from './auth.js';

function withHeader(value?: string): Metadata {
  const md = new Metadata();
  if (value !== undefined) md.set('authorization', value);
  return md;
}

const admin = { name: 'admin', uid: 'u1', groups: ['system:masters'] };

describe('authenticate', () => {
  it('finds the user of a bearer token and refuses missing, malformed and unknown ones', () => {
    const auth = new TokenAuthenticator([{ token: 'tok-admin', user: admin }]);
    expect(authenticate(auth, withHeader('Bearer tok-admin'))).toEqual(admin);
    expect(authenticate(auth, withHeader('bearer  tok-admin'))).toEqual(admin);
    for (const header of [undefined, '', 'Basic tok-admin', 'Bearer tok-other', 'Bearer tok-admin extra']) {
      expect(() => authenticate(auth, withHeader(header))).toThrow(ApiError);
    }
    expect(() => authenticate(undefined, withHeader('Bearer tok-admin'))).toThrow(ApiError);
  });

  it('checks an accepted header against the token file only once, and a refused one every time', () => {
    const auth = new TokenAuthenticator([{ token: 'tok-admin', user: admin }]);
    const lookup = vi.spyOn(auth, 'authenticate');
    for (let i = 0; i < 3; i++) expect(authenticate(auth, withHeader('Bearer tok-admin'))).toEqual(admin);
    expect(lookup).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 3; i++) expect(() => authenticate(auth, withHeader('Bearer tok-wrong'))).toThrow(ApiError);
    expect(lookup).toHaveBeenCalledTimes(4);
  });

  it('logs a failure with its source and reason, never the token', () => {
    const auth = new TokenAuthenticator([{ token: 'tok-admin', user: admin }]);
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
