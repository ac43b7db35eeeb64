import { describe, expect, it } from 'vitest';
import { checkPatchLimits, MAX_PATCH_DEPTH, nestingDepth } from './patch-limits.js';

const nested = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('patch limits', () => {
  it('measures nesting of objects and arrays, ignoring brackets inside strings', () => {
    expect(nestingDepth('{}')).toBe(1);
    expect(nestingDepth('{"a":[{"b":[1]}]}')).toBe(4);
    expect(nestingDepth('{"a":"{{{[[[\\"{{"}')).toBe(1);
    expect(nestingDepth('1')).toBe(0);
  });

  it('accepts a patch at the depth limit and refuses one past it as BadRequest naming the limit', () => {
    expect(() => checkPatchLimits(nested(MAX_PATCH_DEPTH))).not.toThrow();
    expect(() => checkPatchLimits(nested(10_000))).toThrow(expect.objectContaining({ reason: 'BadRequest', message: 'error decoding patch: nested deeper than the limit of 100 levels' }));
  });

  it('refuses a patch over the size limit as RequestEntityTooLarge', () => {
    const big = JSON.stringify({ data: { x: 'y'.repeat(2 * 1024 * 1024) } });
    expect(() => checkPatchLimits(big)).toThrow(expect.objectContaining({ reason: 'RequestEntityTooLarge', message: `Request entity too large: the patch is ${big.length} bytes, limit is 1572864` }));
  });
});
