import { describe, expect, it } from 'vitest';
import { collect, duration, goBool, integer } from './flags.js';

describe('flag parsers', () => {
  it('parses Go durations and bare seconds', () => {
    expect(duration('1m0s')).toBe(60_000);
    expect(duration('500ms')).toBe(500);
    expect(duration('1h2m3s')).toBe(3_723_000);
    expect(duration('2')).toBe(2000);
    expect(() => duration('5 minutes')).toThrow('time: invalid duration "5 minutes"');
    expect(() => duration('')).toThrow();
  });

  it('parses booleans and integers like Go', () => {
    expect(goBool('false')).toBe(false);
    expect(goBool('1')).toBe(true);
    expect(() => goBool('nope')).toThrow('strconv.ParseBool');
    expect(integer('-1')).toBe(-1);
    expect(() => integer('3x')).toThrow('strconv.ParseInt: parsing "3x": invalid syntax');
    expect(() => integer('99999999999999999999')).toThrow('strconv.ParseInt: parsing "99999999999999999999": value out of range');
  });

  it('collects repeated and comma-separated values', () => {
    expect(collect('a,b', collect('c'))).toEqual(['c', 'a', 'b']);
  });
});
