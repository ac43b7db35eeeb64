import { describe, expect, it } from 'vitest';
import { integerRangeProblem } from './integer-range.js';

// Numbers are checked against number bounds, bigints against bigint bounds: both must agree.
describe('integerRangeProblem', () => {
  it.each([
    ['int32', -(2 ** 31), 2 ** 31 - 1],
    ['uint32', 0, 2 ** 32 - 1],
    ['int64', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    ['uint64', 0, Number.MAX_SAFE_INTEGER],
  ])('accepts %s from %d to %d, as a number or a bigint, and nothing past them', (type, min, max) => {
    for (const fits of [min, max, 0]) {
      expect(integerRangeProblem(type, fits)).toBeUndefined();
      expect(integerRangeProblem(type, BigInt(fits))).toBeUndefined();
    }
    for (const past of [BigInt(min) - 1n, BigInt(max) + 1n]) {
      expect(integerRangeProblem(type, past)).toBeDefined();
      expect(integerRangeProblem(type, Number(past))).toBeDefined();
    }
  });

  it('refuses fractions and numbers past 2^53 whatever the type', () => {
    expect(integerRangeProblem('int64', 1.5)).toBe('must be an integer');
    expect(integerRangeProblem('int64', 2 ** 53)).toMatch(/^must be an integer between/);
    expect(integerRangeProblem('string', 2 ** 60)).toBeUndefined();
  });
});
