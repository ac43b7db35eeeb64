import type { CliContext } from './context.js';
import { formatError } from './errors.js';

/** Prints each error on its own line, as kubectl does after the objects that worked; the exit code. */
export function reportErrors(ctx: CliContext, errors: readonly unknown[]): number {
  for (const err of errors) ctx.err(`${formatError(err)}\n`);
  return errors.length > 0 ? 1 : 0;
}
