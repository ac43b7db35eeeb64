import { InvalidArgumentError, Option } from 'commander';

// Flag value parsers with Kubernetes' conventions, shared by the daemons' commands and kubectl's verbs.

/** Accumulates a repeatable flag (`-f a.yaml -f b.yaml`); commas split too, as in kubectl's string slices. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter((v) => v !== '')];
}

/** Accumulates a repeatable flag without splitting on commas (file names, selectors). */
export function collectWhole(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function integer(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`strconv.ParseInt: parsing "${value}": invalid syntax`);
  const parsed = Number(value);
  // Beyond 2^53 the number would already be rounded; the API refuses narrower fields' overflow.
  if (!Number.isSafeInteger(parsed)) throw new InvalidArgumentError(`strconv.ParseInt: parsing "${value}": value out of range`);
  return parsed;
}

/** Go's ParseBool, so `--wait=false` reads like kubectl's boolean flags. */
export function goBool(value: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new InvalidArgumentError(`strconv.ParseBool: parsing "${value}": invalid syntax`);
}

/** A boolean flag that also takes `=false`, defaulting to `defaultValue`. Write the value with `=`. */
export function boolFlag(flags: string, description: string, defaultValue: boolean): Option {
  // The preset goes through the parser too, so it is the text a user would write.
  return new Option(`${flags} [bool]`, description).argParser(goBool).preset('true').default(defaultValue);
}

/**
 * Go duration strings as kubectl takes them (`30s`, `1m0s`, `500ms`, `1h`); a bare number is
 * seconds. Returns milliseconds.
 */
export function duration(value: string): number {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  // µ written as an escape: esbuild copies a regular expression's characters as they are, and
  // the built CLI's bundle must stay ASCII (scripts/bundle-cli.mjs).
  const re = /(\d+(?:\.\d+)?)(ns|us|\u00b5s|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * units[m[2]!]!;
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length) throw new InvalidArgumentError(`time: invalid duration "${value}"`);
  return total;
}

/** A parser for integer flags of at least `min`, described as `what` ("a positive integer"). */
function intAtLeast(min: number, what: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected ${what}, got "${value}"`);
    return n;
  };
}

export const positiveInt = intAtLeast(1, 'a positive integer');
export const nonNegativeInt = intAtLeast(0, 'a non-negative integer');

export function positiveDuration(value: string): number {
  const ms = duration(value);
  if (ms <= 0) throw new InvalidArgumentError(`expected a positive duration, got "${value}"`);
  return ms;
}

/** A comma-separated list with blanks dropped (`--controllers=a, b`). */
export function commaList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}
