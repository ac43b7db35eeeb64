import { badRequest } from '../../../lib/api/errors.js';

// Query parameters as Kubernetes reads them: booleans as "true"/"1", integers strictly, and
// dryRun's one defined value.

export function flag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  return value === 'true' || value === '1';
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
