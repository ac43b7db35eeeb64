import { badRequest } from '../../../lib/api/errors.js';

// A continue token pins a paged list to the revision of its first page and the last key served,
// as Kubernetes' does, so pages form one consistent snapshot.
interface ContinuePosition {
  rv: number;
  start: string;
}

export function encodeContinue(pos: ContinuePosition): string {
  return Buffer.from(JSON.stringify({ v: 1, ...pos })).toString('base64url');
}

export function decodeContinue(token: string): ContinuePosition {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString()) as { v?: number; rv?: unknown; start?: unknown };
    if (parsed.v === 1 && typeof parsed.rv === 'number' && typeof parsed.start === 'string') return { rv: parsed.rv, start: parsed.start };
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid: the provided continue parameter is malformed');
}
