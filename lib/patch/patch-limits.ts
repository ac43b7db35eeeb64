import { ApiError, badRequest } from '../api/errors.js';

// Bounds on what a patch may be, checked on its text before it is parsed or applied: a patch nested
// thousands of levels deep would otherwise run the recursive merge and decoding out of stack (and
// build a structure many times its size) before anything noticed it is not an object of ours.

/** As an object: etcd's request limit, which no patched object may exceed anyway. */
export const MAX_PATCH_BYTES = 1.5 * 1024 * 1024;
/** Far deeper than any field of our kinds (a pod template's affinity terms are about a dozen). */
export const MAX_PATCH_DEPTH = 100;
/** Kubernetes' limit on the operations of one JSON patch. */
export const MAX_JSON_PATCH_OPERATIONS = 10_000;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The deepest nesting of objects and arrays in JSON text, stopping once it passes `limit`. */
export function nestingDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      deepest = Math.max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return deepest;
}

/** Refuses a patch over the size limit (RequestEntityTooLarge) or nested past the depth limit (BadRequest). */
export function checkPatchLimits(text: string): void {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_PATCH_BYTES) throw new ApiError('RequestEntityTooLarge', `Request entity too large: the patch is ${bytes} bytes, limit is ${MAX_PATCH_BYTES}`);
  if (nestingDepth(text, MAX_PATCH_DEPTH) > MAX_PATCH_DEPTH) {
    throw badRequest(`error decoding patch: nested deeper than the limit of ${MAX_PATCH_DEPTH} levels`);
  }
}
