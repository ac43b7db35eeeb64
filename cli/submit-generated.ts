import type { AnyObject, ResourceInfo } from '../lib/api/resources.js';
import type { CliContext } from './context.js';
import { WriteReport, type WriteFlags } from './write-output.js';

// What kubectl's generator verbs (run, expose, create <kind>) do with the object they built:
// create it (or only check it with --dry-run=server, or only print it with --dry-run=client), then
// print "<kind>/<name> created" or the object in the -o format.

export async function submitGenerated(
  ctx: CliContext,
  info: ResourceInfo,
  object: AnyObject,
  flags: WriteFlags,
  opts: { done?: string; silent?: boolean } = {},
): Promise<AnyObject> {
  const report = new WriteReport(ctx, flags);
  // A client dry run prints what kubectl's generator built: the namespace only when -n named it.
  if (info.namespaced && (!report.clientOnly || ctx.namespaceExplicit)) object.metadata = { ...object.metadata, namespace: object.metadata?.namespace || (await ctx.namespace()) };
  const result = report.clientOnly ? object : await (await ctx.client()).resource(info.field).create(object as never, { dryRun: report.serverDryRun });
  if (!opts.silent) report.written(info, result, opts.done ?? 'created');
  return result;
}
