import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CsvError, type Info, parse } from 'csv-parse/sync';
import writeFileAtomic from 'write-file-atomic';

/** Who a bearer token stands for. */
export interface TokenUser {
  readonly name: string;
  readonly uid: string;
  readonly groups: readonly string[];
}

export interface TokenEntry {
  token: string;
  user: TokenUser;
}

export class TokenFileError extends Error {
  override readonly name = 'TokenFileError';

  constructor(
    readonly source: string,
    readonly line: number | undefined,
    detail: string,
  ) {
    super(`token file ${source}: ${line === undefined ? '' : `line ${line}: `}${detail}`);
  }
}

// Bearer tokens travel in an HTTP/2 header: visible ASCII only, so no spaces, quotes or commas either.
const TOKEN_PATTERN = /^[\x21-\x7e]+$/;

/**
 * Parses Kubernetes' static token file: one `token,user,uid[,"group1,group2"]` record per line.
 * Blank lines and lines starting with `#` are skipped; fields are trimmed. Unlike kube-apiserver,
 * an empty or duplicate token is an error rather than a warning, so a typo cannot lock a user out silently.
 */
export function parseTokenFile(text: string, source = '<token file>'): TokenEntry[] {
  let rows: { record: string[]; info: Info }[];
  try {
    // csv-parse's typings do not model `info: true`, which wraps each record with its position.
    rows = parse(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      comment: '#',
      comment_no_infix: true,
      trim: true,
    }) as unknown as { record: string[]; info: Info }[];
  } catch (err) {
    if (err instanceof CsvError) {
      throw new TokenFileError(source, typeof err.lines === 'number' ? err.lines : undefined, err.message);
    }
    throw err;
  }
  const seen = new Map<string, number>();
  return rows.map(({ record, info }) => {
    // info.lines is where the record ends; a quoted field may have carried it over line breaks.
    const line = info.lines - record.reduce((breaks, field) => breaks + (field.match(/\n/g)?.length ?? 0), 0);
    const fail = (detail: string) => new TokenFileError(source, line, detail);
    if (record.length < 3) throw fail(`expected at least 3 columns (token, user, uid), found ${record.length}`);
    if (record.length > 4) throw fail(`expected at most 4 columns (token, user, uid, groups), found ${record.length}`);
    if (record.some((field) => /[\r\n]/.test(field))) throw fail('a field spans more than one line');
    const [token = '', name = '', uid = '', groups = ''] = record;
    if (token === '') throw fail('empty token');
    if (!TOKEN_PATTERN.test(token)) throw fail('token must be printable ASCII without spaces');
    if (name === '') throw fail('empty user name');
    const previous = seen.get(token);
    if (previous !== undefined) throw fail(`duplicate token (first on line ${previous})`);
    seen.set(token, line);
    return { token, user: makeUser(name, uid, splitGroups(groups)) };
  });
}

export async function loadTokenFile(path: string): Promise<TokenAuthenticator> {
  return new TokenAuthenticator(parseTokenFile(await readFile(path, 'utf8'), path));
}

/**
 * Finds the user for a bearer token. Every lookup compares the SHA-256 of the presented token
 * with the digest of every known token using timingSafeEqual (equal lengths by construction),
 * and never stops early, so response time says nothing about how close a guess was.
 */
export class TokenAuthenticator {
  private readonly entries: { digest: Buffer; user: TokenUser }[];

  constructor(entries: readonly TokenEntry[]) {
    this.entries = entries.map(({ token, user }) => ({
      digest: digest(token),
      user: makeUser(user.name, user.uid, user.groups),
    }));
  }

  authenticate(token: string): TokenUser | undefined {
    const presented = digest(token);
    let found: TokenUser | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(presented, entry.digest)) found = entry.user;
    }
    return found;
  }

  get size(): number {
    return this.entries.length;
  }
}

/** 32 random bytes, base64url: 43 characters that need no quoting in a header, a URL or the token file. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Renders entries in the format parseTokenFile reads; groups are quoted when there are several. */
export function formatTokenFile(entries: readonly TokenEntry[]): string {
  const text = entries
    .map(({ token, user }) => {
      const fields = [token, user.name, user.uid];
      if (user.groups.length > 0) fields.push(user.groups.join(','));
      return `${fields.map(quoteField).join(',')}\n`;
    })
    .join('');
  // Round-trip so a token or name the reader would reject is caught when the file is written, not when it is read.
  parseTokenFile(text, '<formatted>');
  return text;
}

/** Writes the token file atomically with mode 0600: it holds credentials. */
export async function writeTokenFile(path: string, entries: readonly TokenEntry[]): Promise<void> {
  await writeFileAtomic(path, formatTokenFile(entries), { mode: 0o600 });
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function splitGroups(field: string): string[] {
  return field
    .split(',')
    .map((group) => group.trim())
    .filter((group) => group !== '');
}

function makeUser(name: string, uid: string, groups: readonly string[]): TokenUser {
  return Object.freeze({ name, uid, groups: Object.freeze([...groups]) });
}

function quoteField(field: string): string {
  return /[",\s#]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}
