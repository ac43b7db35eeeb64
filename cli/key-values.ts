import { CliError } from './errors.js';

/** `a=b,c=d` (labels) or one `a=b` per flag (annotations, env) into a map, naming a bad entry. */
export function keyValues(entries: readonly string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new CliError(`invalid ${what}: "${entry}" (expected KEY=VALUE)`);
    out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}
