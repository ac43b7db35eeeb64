import { CliError } from './errors.js';

// kubectl's --dry-run=none|client|server: with client nothing reaches the server, with server the
// server runs every check but stores nothing; either way the messages say so.

export type DryRun = 'none' | 'client' | 'server';

export function parseDryRun(flag: string): DryRun {
  if (flag === 'none' || flag === 'client' || flag === 'server') return flag;
  throw new CliError(`Invalid dry-run value (${flag}). Must be "none", "server", or "client".`);
}

/** What kubectl appends to "pod/x created": " (dry run)" or " (server dry run)". */
export function dryRunSuffix(mode: DryRun): string {
  return mode === 'client' ? ' (dry run)' : mode === 'server' ? ' (server dry run)' : '';
}
