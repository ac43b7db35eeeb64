import { Command } from 'commander';
import { isApiError } from '../../lib/api/errors.js';
import type { AnyObject, ResourceInfo } from '../../lib/api/resources.js';
import type { ApiClient } from '../../lib/client/client.js';
import type { CliContext } from '../context.js';
import { describeRelated } from '../describe-related.js';
import { boolFlag, collectWhole } from '../../lib/flags.js';
import { describeObject } from '../printers/describe/index.js';
import { reportErrors } from '../report.js';
import { parseResourceArgs, type ResourceSelection } from '../resource-args.js';
import { resolveTargets } from '../targets.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

interface DescribeFlags {
  selector?: string;
  allNamespaces?: boolean;
  showEvents: boolean;
  filename: string[];
  recursive?: boolean;
}

interface Found {
  info: ResourceInfo;
  object: AnyObject;
}

/**
 * The objects a selection names: exact names first, and for a name that does not exist, every
 * object whose name starts with it (kubectl describe's NAME_PREFIX).
 */
async function findObjects(client: ApiClient, selection: ResourceSelection, namespace: string, flags: DescribeFlags, errors: unknown[]): Promise<Found[]> {
  const { info } = selection;
  const resource = client.resource(info.field);
  const ns = info.namespaced && !flags.allNamespaces ? namespace : '';
  const listOpts = flags.selector ? { labelSelector: flags.selector } : {};
  if (selection.names.length === 0) return (await resource.listAll(ns, listOpts)).items.map((object) => ({ info, object }));
  const found: Found[] = [];
  for (const name of selection.names) {
    try {
      found.push({ info, object: await resource.get(info.namespaced ? namespace : '', name) });
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
      const prefixed = (await resource.listAll(ns, listOpts)).items.filter((o) => (o.metadata?.name ?? '').startsWith(name));
      if (prefixed.length === 0) errors.push(err);
      found.push(...prefixed.map((object) => ({ info, object })));
    }
  }
  return found;
}

async function runDescribe(ctx: CliContext, args: string[], flags: DescribeFlags): Promise<number> {
  const namespace = await ctx.namespace();
  const errors: unknown[] = [];
  let selections: ResourceSelection[];
  if (flags.filename.length > 0) {
    const resolved = await resolveTargets(ctx, args, { verb: 'describe', filename: flags.filename, recursive: flags.recursive ?? false });
    errors.push(...resolved.errors);
    selections = resolved.targets.map((t) => ({ info: t.info, names: [t.name] }));
  } else {
    selections = parseResourceArgs(args, { verb: 'describe' });
  }
  const client = await ctx.client();
  const found: Found[] = [];
  for (const selection of selections) found.push(...(await findObjects(client, selection, namespace, flags, errors)));
  const now = Date.now();
  let first = true;
  for (const { info, object } of found) {
    try {
      const text = describeObject(info, object, await describeRelated(client, info, object, flags.showEvents, now));
      ctx.out(first ? text : `\n\n${text}`);
      first = false;
    } catch (err) {
      errors.push(err);
    }
  }
  if (found.length === 0 && errors.length === 0) {
    const allNamespaced = !flags.allNamespaces && selections.every((s) => s.info.namespaced);
    ctx.err(allNamespaced ? `No resources found in ${namespace} namespace.\n` : 'No resources found\n');
  }
  return reportErrors(ctx, errors);
}

export function describeCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('describe')
    .description('Show details of a resource or group of resources, with related events')
    .argument('[resources...]', 'TYPE [NAME_PREFIX...] or TYPE/NAME...')
    .option('-l, --selector <selector>', 'label selector')
    .option('-A, --all-namespaces', 'across all namespaces')
    .addOption(boolFlag('--show-events', 'show the events about each object (--show-events=false to leave them out)', true))
    .option('-f, --filename <file>', 'file, directory or - (stdin) naming the resources; repeatable', collectWhole, [])
    .option('-R, --recursive', 'process directories under the -f directories too')
    .action(verbAction(deps, (ctx, args, cmd) => runDescribe(ctx, args[0] as string[], cmd.opts<DescribeFlags>())));
}
