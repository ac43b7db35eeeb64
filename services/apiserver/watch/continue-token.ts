import { badRequest } from '../../../lib/api/errors.js';

// Kubernetes' continue token: base64url JSON {"v":"meta.k8s.io/v1","rv":<revision>,"start":<key>}
// where start is the next key to read, relative to the resource prefix (the last key returned
// followed by a NUL byte). Pages after the first are read at rv, so a paged list is one snapshot.

const VERSION = 'meta.k8s.io/v1';

export interface ContinuePosition {
  /** The revision the first page was read at. */
  revision: number;
  /** The last key already returned (absolute); the next page starts after it. */
  lastKey: string;
}

export function encodeContinueToken(revision: number, lastKey: string, keyPrefix: string): string {
  if (!lastKey.startsWith(keyPrefix)) throw new Error(`key ${lastKey} is outside ${keyPrefix}`);
  const start = lastKey.slice(keyPrefix.length) + '\u0000';
  return Buffer.from(JSON.stringify({ v: VERSION, rv: revision, start })).toString('base64url');
}

export function decodeContinueToken(token: string, keyPrefix: string): ContinuePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (err) {
    throw badRequest(`continue key is not valid: ${err instanceof Error ? err.message : String(err)}`);
  }
  const { v, rv, start } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (v !== VERSION) throw badRequest(`continue key is not valid: server does not recognize this encoded version "${String(v)}"`);
  if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || rv <= 0) {
    throw badRequest(`continue key is not valid: incorrect encoded start resourceVersion (version ${VERSION})`);
  }
  if (typeof start !== 'string' || start === '' || start === '\u0000') {
    throw badRequest(`continue key is not valid: encoded start key empty (version ${VERSION})`);
  }
  if (start.startsWith('/') || start.split('/').some((part) => part === '..' || part === '.')) {
    throw badRequest(`continue key is not valid: key ${JSON.stringify(start)} is not a relative key`);
  }
  const relative = start.endsWith('\u0000') ? start.slice(0, -1) : start;
  return { revision: rv, lastKey: keyPrefix + relative };
}
