import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { boolFlag, collect, commaList, duration, goBool, integer, positiveDuration, positiveInt } from './flags.js';

describe('flag parsers', () => {
  it('parses Go durations and bare seconds', () => {
    expect(duration('1m0s')).toBe(60_000);
    expect(duration('500ms')).toBe(500);
    expect(duration('1h2m3s')).toBe(3_723_000);
    expect(duration('1500µs')).toBe(1.5);
    expect(duration('2')).toBe(2000);
    expect(() => duration('5 minutes')).toThrow('time: invalid duration "5 minutes"');
    expect(() => duration('')).toThrow();
  });

  it('takes a boolean flag bare, with =false, or not at all', () => {
    const parse = (...args: string[]) => new Command().addOption(boolFlag('--watch', 'w', false)).option('--other <x>').parse(args, { from: 'user' }).opts<{ watch: boolean }>().watch;
    expect(parse('--watch', '--other', 'x')).toBe(true);
    expect(parse('--watch')).toBe(true);
    expect(parse('--watch=false')).toBe(false);
    expect(parse()).toBe(false);
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

  it('parses positive numbers, positive durations and comma lists', () => {
    expect(positiveInt('3')).toBe(3);
    expect(() => positiveInt('0')).toThrow('expected a positive integer, got "0"');
    expect(positiveDuration('40s')).toBe(40_000);
    expect(() => positiveDuration('0s')).toThrow('expected a positive duration, got "0s"');
    expect(commaList('a, b,,c')).toEqual(['a', 'b', 'c']);
  });
});
