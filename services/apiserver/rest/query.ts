import { badRequest } from '../../../lib/api/errors.js';

// Query parameters as Kubernetes reads them: booleans as Go's ParseBool does, integers strictly, and
// dryRun's one defined value.

/** Go's strconv.ParseBool spellings of true, which Kubernetes accepts (Python's client sends "True"). */
const TRUE_VALUES = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);

export function flag(query: URLSearchParams, name: string): boolean {
  return TRUE_VALUES.has(query.get(name) ?? '');
}

/** A boolean whose absence means something of its own (Kubernetes' *bool parameters: sendInitialEvents). */
export function optionalFlag(query: URLSearchParams, name: string): boolean | undefined {
  return query.has(name) ? flag(query, name) : undefined;
}

export function integerParam(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw badRequest(`${name}: Invalid value: ${JSON.stringify(value)}: must be an integer`);
  return n;
}

/** dryRun=All, the only dry-run value Kubernetes defines; any other value is refused. */
export function dryRunOf(values: readonly unknown[]): boolean {
  for (const value of values) {
    if (value !== 'All') throw badRequest(`dryRun: Unsupported value: ${JSON.stringify(value)}: supported values: "All"`);
  }
  return values.length > 0;
}

export function isDryRun(query: URLSearchParams): boolean {
  return dryRunOf(query.getAll('dryRun'));
}
