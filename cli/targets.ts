import type { Command } from 'commander';
import type { AnyObject, ResourceInfo } from '../lib/api/resources.js';
import { collectWhole } from '../lib/flags.js';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';
import { loadManifests } from './manifests.js';
import { parseResourceArgs } from './resource-args.js';

// The objects a verb acts on, named the ways kubectl allows: TYPE NAME..., TYPE/NAME..., -f FILE,
// or TYPE with -l/--field-selector/--all (then listed from the server).

export interface Target {
  info: ResourceInfo;
  namespace: string;
  name: string;
  /** The manifest it came from (for `error when ... "f.yaml"`). */
  source?: string;
  /** The object when it was listed, or read from a manifest. */
  object?: AnyObject;
}

interface TargetOptions {
  verb: string;
  filename?: string[];
  recursive?: boolean;
  selector?: string;
  fieldSelector?: string;
  all?: boolean;
  allNamespaces?: boolean;
  /** Whether the `all` category may be named (get, delete). */
  allowAllCategory?: boolean;
}

/** The flags by which kubectl's verbs pick objects besides naming them (-f, -R, -l, --field-selector, --all, -A). */
export interface SelectionFlags {
  filename: string[];
  recursive?: boolean;
  selector?: string;
  fieldSelector?: string;
  all?: boolean;
  allNamespaces?: boolean;
}

/** The selection flags a verb takes, worded the same in every verb: -f and -R always, the others when asked for. */
export function addSelectionOptions(command: Command, take: { selector?: boolean; fieldSelector?: boolean; all?: boolean; allNamespaces?: boolean } = {}): Command {
  command
    .option('-f, --filename <file>', 'file, directory or - (stdin) naming the resources; repeatable', collectWhole, [])
    .option('-R, --recursive', 'process directories under the -f directories too');
  if (take.selector) command.option('-l, --selector <selector>', 'label selector choosing the resources');
  if (take.fieldSelector) command.option('--field-selector <selector>', 'field selector choosing the resources');
  if (take.all) command.option('--all', 'every resource of the given types in the namespace');
  if (take.allNamespaces) command.option('-A, --all-namespaces', 'with a selector or --all: across all namespaces');
  return command;
}

/** TargetOptions from a verb's selection flags; flags the verb does not define stay off. */
export function selectionOptions(verb: string, flags: SelectionFlags): TargetOptions {
  return {
    verb,
    filename: flags.filename,
    recursive: flags.recursive ?? false,
    ...(flags.selector ? { selector: flags.selector } : {}),
    ...(flags.fieldSelector ? { fieldSelector: flags.fieldSelector } : {}),
    all: flags.all ?? false,
    allNamespaces: flags.allNamespaces ?? false,
  };
}

interface ResolvedTargets {
  targets: Target[];
  /** Per-document errors of -f; the verb reports them after acting on the rest. */
  errors: unknown[];
  /** True when a selector or --all was used (an empty result is then "No resources found"). */
  listed: boolean;
}

export async function resolveTargets(ctx: CliContext, args: readonly string[], opts: TargetOptions): Promise<ResolvedTargets> {
  const namespace = await ctx.namespace();
  const filenames = opts.filename ?? [];
  if (filenames.length > 0) {
    if (args.length > 0) throw new CliError(`when -f is given, no resource arguments may be given (got ${args.join(' ')})`);
    const { manifests, errors } = await loadManifests(filenames, {
      stdin: ctx.io.stdin,
      recursive: opts.recursive ?? false,
      namespace,
      namespaceExplicit: ctx.namespaceExplicit,
      verb: opts.verb,
    });
    const targets = manifests.map((m) => ({
      info: m.info,
      namespace: m.object.metadata?.namespace ?? '',
      name: m.object.metadata?.name ?? '',
      source: m.source,
      object: m.object,
    }));
    return { targets, errors, listed: false };
  }
  const selections = parseResourceArgs(args, { verb: opts.verb, allowAll: opts.allowAllCategory ?? false });
  const bySelector = Boolean(opts.selector || opts.fieldSelector);
  const named = selections.some((s) => s.names.length > 0);
  if (named && bySelector) throw new CliError('name cannot be provided when a selector is specified');
  if (named && opts.all) throw new CliError('setting \'all\' parameter but found a non empty resource name(s)');
  if (!named && !bySelector && !opts.all) throw new CliError('resource(s) were provided, but no name was specified');
  if (named) {
    const targets = selections.flatMap((s) => s.names.map((name) => ({ info: s.info, namespace: s.info.namespaced ? namespace : '', name })));
    return { targets, errors: [], listed: false };
  }
  const client = await ctx.client();
  const targets: Target[] = [];
  for (const { info } of selections) {
    const listNamespace = info.namespaced && !opts.allNamespaces ? namespace : '';
    const listOpts: { labelSelector?: string; fieldSelector?: string } = {};
    if (opts.selector) listOpts.labelSelector = opts.selector;
    if (opts.fieldSelector) listOpts.fieldSelector = opts.fieldSelector;
    const { items } = await client.resource(info.field).listAll(listNamespace, listOpts);
    for (const object of items) {
      targets.push({ info, namespace: object.metadata?.namespace ?? '', name: object.metadata?.name ?? '', object });
    }
  }
  return { targets, errors: [], listed: true };
}
