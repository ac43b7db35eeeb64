import type { AnyObject, ResourceInfo } from '../lib/api/resources.js';
import type { CliContext } from './context.js';
import { dryRunSuffix, parseDryRun } from './dry-run.js';
import { parseOutputFormat, printObjects } from './printers/output.js';
import { objectRef } from './resource-args.js';

// What kubectl's generator verbs (run, expose, create <kind>) do with the object they built:
// create it (or only check it with --dry-run=server, or only print it with --dry-run=client), then
// print "<kind>/<name> created" or the object in the -o format.

export interface GeneratorFlags {
  dryRun: string;
  output?: string;
}

/** Options every generator verb shares: --dry-run and -o. */
export function generatorOptions<C extends { option(flags: string, description: string, defaultValue?: string): C }>(command: C): C {
  return command
    .option('--dry-run <mode>', 'none, server or client: with server or client nothing is created', 'none')
    .option('-o, --output <format>', 'print the object instead: json, yaml, name, jsonpath=...');
}

export async function submitGenerated(
  ctx: CliContext,
  info: ResourceInfo,
  object: AnyObject,
  flags: GeneratorFlags,
  opts: { done?: string; silent?: boolean } = {},
): Promise<AnyObject> {
  const mode = parseDryRun(flags.dryRun);
  const format = flags.output ? parseOutputFormat(flags.output) : undefined;
  // A client dry run prints what kubectl's generator built: the namespace only when -n named it.
  if (info.namespaced && (mode !== 'client' || ctx.namespaceExplicit)) object.metadata = { ...object.metadata, namespace: object.metadata?.namespace || (await ctx.namespace()) };
  const result =
    mode === 'client' ? object : await (await ctx.client()).resource(info.field).create(object as never, mode === 'server' ? { dryRun: true } : {});
  if (opts.silent) return result;
  if (format) ctx.out(printObjects(info, [result], format, { single: true, ...(mode === 'client' ? { origin: 'generated' } : {}) }));
  else ctx.out(`${objectRef(info, result.metadata?.name ?? '')} ${opts.done ?? 'created'}${dryRunSuffix(mode)}\n`);
  return result;
}
