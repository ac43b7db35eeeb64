import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  TokenAuthenticator,
  TokenFileError,
  formatTokenFile,
  generateToken,
  loadTokenFile,
  parseTokenFile,
  writeTokenFile,
} from './token-file.js';

describe('parseTokenFile', () => {
  it('reads token, user, uid and quoted groups, skipping blank and comment lines', () => {
    const text = [
      '# components',
      'tok-admin,admin,uid-1,"system:masters,admins"',
      '',
      'tok-sched, system:kube-scheduler , uid-2',
      'tok-none,nobody,,',
    ].join('\n');
    expect(parseTokenFile(text)).toEqual([
      { token: 'tok-admin', user: { name: 'admin', uid: 'uid-1', groups: ['system:masters', 'admins'] } },
      { token: 'tok-sched', user: { name: 'system:kube-scheduler', uid: 'uid-2', groups: [] } },
      { token: 'tok-none', user: { name: 'nobody', uid: '', groups: [] } },
    ]);
  });

  it('accepts CRLF line endings and a missing final newline', () => {
    expect(parseTokenFile('a,u1,1\r\nb,u2,2').map((e) => e.token)).toEqual(['a', 'b']);
  });

  it.each([
    ['tok,user', 'token file /etc/tokens.csv: line 2: expected at least 3 columns (token, user, uid), found 2'],
    ['tok,user,1,g,extra', 'token file /etc/tokens.csv: line 2: expected at most 4 columns (token, user, uid, groups), found 5'],
    [',user,1', 'token file /etc/tokens.csv: line 2: empty token'],
    ['tok,,1', 'token file /etc/tokens.csv: line 2: empty user name'],
    ['ok,admin,1', 'token file /etc/tokens.csv: line 2: duplicate token (first on line 1)'],
    ['"to k",user,1', 'token file /etc/tokens.csv: line 2: token must be printable ASCII without spaces'],
    ['tok,user,"1\n2"', 'token file /etc/tokens.csv: line 2: a field spans more than one line'],
  ])('reports %j with its line number', (line, message) => {
    const parseIt = () => parseTokenFile(`ok,admin,1\n${line}\n`, '/etc/tokens.csv');
    expect(parseIt).toThrow(TokenFileError);
    expect(parseIt).toThrow(message);
  });

  it('turns CSV syntax errors into TokenFileError with the line', () => {
    expect(() => parseTokenFile('ok,admin,1\nbad"quote,u,1\n', 'f')).toThrow(/^token file f: line 2: Invalid Opening Quote/);
    expect(() => parseTokenFile('ok,admin,"1\n', 'f')).toThrow(TokenFileError);
  });
});

describe('TokenAuthenticator', () => {
  const authenticator = new TokenAuthenticator(parseTokenFile('secret-a,alice,1,"g1,g2"\nsecret-b,bob,2\n'));

  it('finds the user for a known token', () => {
    expect(authenticator.authenticate('secret-a')).toEqual({ name: 'alice', uid: '1', groups: ['g1', 'g2'] });
    expect(authenticator.authenticate('secret-b')?.name).toBe('bob');
    expect(authenticator.size).toBe(2);
  });

  it('rejects unknown tokens, prefixes, extensions and the empty string', () => {
    for (const guess of ['secret-c', 'secret-', 'secret-aa', '', 'SECRET-A']) {
      expect(authenticator.authenticate(guess)).toBeUndefined();
    }
  });

  it('hands out users that cannot be changed by the caller', () => {
    const user = authenticator.authenticate('secret-a')!;
    expect(Object.isFrozen(user)).toBe(true);
    expect(Object.isFrozen(user.groups)).toBe(true);
  });
});

describe('generateToken', () => {
  it('makes distinct 256-bit base64url tokens that the token file accepts', () => {
    const a = generateToken();
    const b = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
    expect(parseTokenFile(`${a},u,1`)[0]?.token).toBe(a);
  });
});

describe('formatTokenFile and files on disk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubets-tokens-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const entries = [
    { token: 'tok-1', user: { name: 'admin', uid: 'u1', groups: ['system:masters', 'ops'] } },
    { token: 'tok-2', user: { name: 'system:kube-proxy', uid: 'u2', groups: [] } },
    { token: 'tok-3', user: { name: 'name "with" quote, comma', uid: 'u3', groups: ['one'] } },
  ];

  it('round-trips through parseTokenFile', () => {
    expect(formatTokenFile(entries)).toBe(
      'tok-1,admin,u1,"system:masters,ops"\ntok-2,system:kube-proxy,u2\ntok-3,"name ""with"" quote, comma",u3,one\n',
    );
    expect(parseTokenFile(formatTokenFile(entries))).toEqual(entries);
  });

  it('refuses to write a token the reader would reject', () => {
    expect(() => formatTokenFile([{ token: 'has space', user: { name: 'x', uid: '', groups: [] } }])).toThrow(TokenFileError);
  });

  it('writes mode 0600 and loads back into an authenticator', async () => {
    const path = join(dir, 'tokens.csv');
    await writeTokenFile(path, entries);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const authenticator = await loadTokenFile(path);
    expect(authenticator.authenticate('tok-2')?.name).toBe('system:kube-proxy');
  });

  it('names the file in load errors', async () => {
    const path = join(dir, 'broken.csv');
    await writeFile(path, 'tok,only-two\n');
    await expect(loadTokenFile(path)).rejects.toThrow(`token file ${path}: line 1: expected at least 3 columns`);
  });
});
