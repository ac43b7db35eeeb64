import type { Command } from 'commander';
import { isApiError, type ApiError } from '../lib/api/errors.js';
import { commandPath } from './kubectl-errors.js';

// What users see when a verb fails, in kubectl's words (cmdutil.CheckErr / StandardErrorMessage):
// server errors as `Error from server (Reason): message`, Invalid as `The Kind "name" is invalid:`
// with one line per field, connection failures as `Unable to connect to the server`, anything
// else as `error: message`.

/** A failure of the command itself (bad arguments, unknown type): printed as `error: <message>`. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
}

/** A mistake in a command's arguments, as kubectl's UsageErrorf words it: the message, then where to read the usage. */
export function usageError(command: Command, message: string): CliError {
  return new CliError(`${message}\nSee '${commandPath(command)} -h' for help and examples`);
}

/** An ApiError with where it happened, as kubectl's AddSourceToErr adds `error when creating "f.yaml": `. */
export class SourcedApiError extends Error {
  override readonly name = 'SourcedApiError';

  constructor(
    override readonly cause: ApiError,
    readonly verb: string,
    readonly source: string,
  ) {
    super(`error when ${verb} "${source}": ${cause.message}`);
  }
}

// The transport's own wording when no apiserver accepted a connection (lib/client/transport.ts).
const UNREACHABLE_PREFIX = 'no apiserver reachable';
// The transport's wording of a certificate problem (lib/client/tls-diagnosis.ts).
const TLS_FAILURE = /tls: [^;)]*/;

function formatInvalid(err: ApiError): string {
  const kind = err.details.kind ?? '';
  const name = err.details.name ?? '';
  const head = kind || name ? `The ${kind} "${name}" is invalid` : 'The request is invalid';
  const causes = err.details.causes ?? [];
  if (causes.length === 0) return head;
  const lines = causes.map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : (c.message ?? '')));
  if (lines.length === 1) return `${head}: ${lines[0]}`;
  return `${head}: \n${lines.map((l) => `* ${l}`).join('\n')}`;
}

function formatApiError(err: ApiError, prefix = ''): string {
  if (err.reason === 'ServiceUnavailable' && err.message.startsWith(UNREACHABLE_PREFIX)) {
    // A certificate problem is what the user must fix: kubectl names it alone.
    const tls = TLS_FAILURE.exec(err.message)?.[0];
    return `Unable to connect to the server: ${tls ?? err.message}`;
  }
  // kubectl rebuilds Invalid errors from their causes, so the source prefix is not shown.
  if (err.reason === 'Invalid') return formatInvalid(err);
  if (err.reason === 'Unauthorized') return `error: You must be logged in to the server (${prefix}${err.message})`;
  return `Error from server (${err.reason}): ${prefix}${err.message}`;
}

/** One error as kubectl prints it (without the trailing newline). */
export function formatError(err: unknown): string {
  if (err instanceof SourcedApiError) return formatApiError(err.cause, `error when ${err.verb} "${err.source}": `);
  if (isApiError(err)) return formatApiError(err);
  const message = err instanceof Error ? err.message : String(err);
  return message.startsWith('error:') ? message : `error: ${message}`;
}
