import { Command } from 'commander';
import { isApiError } from '../../lib/api/errors.js';
import { toKubeJSON } from '../../lib/api/json.js';
import type { AnyObject, ResourceInfo } from '../../lib/api/resources.js';
import type { ApiClient } from '../../lib/client/client.js';
import type { CliContext } from '../context.js';
import { CliError, usageError } from '../errors.js';
import { collect, collectWhole } from '../../lib/flags.js';
import { sortKeysDeep, type JsonValue } from '../printers/go-values.js';
import {
  formatCustomColumns,
  formatJSON,
  formatJSONPath,
  formatName,
  formatYAML,
  kubeDocument,
  OutputFormatError,
  parseOutputFormat,
  printObjects,
  type OutputFormat,
  withoutManagedFields,
} from '../printers/output.js';
import { printerFor } from '../../lib/printers/kinds/registry.js';
import type { KindPrinter } from '../../lib/printers/kinds/types.js';
import { reportErrors } from '../report.js';
import { objectRef, parseResourceArgs, type ResourceSelection } from '../resource-args.js';
import { sortByField } from '../sort-by.js';
import { resolveTargets } from '../targets.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import { WatchTable } from '../watch-table.js';

interface GetFlags {
  output?: string;
  selector?: string;
  fieldSelector?: string;
  allNamespaces?: boolean;
  watch?: boolean;
  watchOnly?: boolean;
  showLabels?: boolean;
  headers: boolean;
  labelColumns: string[];
  ignoreNotFound?: boolean;
  filename: string[];
  recursive?: boolean;
  sortBy?: string;
  outputWatchEvents?: boolean;
  showManagedFields?: boolean;
}

interface Found {
  info: ResourceInfo;
  object: AnyObject;
}

function outputFormat(flag: string | undefined): OutputFormat {
  try {
    return parseOutputFormat(flag);
  } catch (err) {
    if (err instanceof OutputFormatError) throw new CliError(err.message);
    throw err;
  }
}

function isTable(format: OutputFormat): boolean {
  return format.type === 'table' || format.type === 'wide';
}

/** What the user asked for, as selections of types and names (from arguments or -f). */
async function selectionsOf(ctx: CliContext, args: string[], flags: GetFlags): Promise<{ selections: ResourceSelection[]; errors: unknown[] }> {
  if (flags.filename.length === 0) return { selections: parseResourceArgs(args, { verb: 'get', allowAll: true }), errors: [] };
  const { targets, errors } = await resolveTargets(ctx, args, { verb: 'get', filename: flags.filename, recursive: flags.recursive ?? false });
  const selections: ResourceSelection[] = [];
  for (const t of targets) {
    const last = selections[selections.length - 1];
    if (last && last.info === t.info) last.names.push(t.name);
    else selections.push({ info: t.info, names: [t.name] });
  }
  return { selections, errors };
}

async function fetch(client: ApiClient, selection: ResourceSelection, namespace: string, flags: GetFlags, errors: unknown[]): Promise<Found[]> {
  const { info } = selection;
  const resource = client.resource(info.field);
  const ns = info.namespaced ? namespace : '';
  if (selection.names.length > 0) {
    const found: Found[] = [];
    for (const name of selection.names) {
      try {
        found.push({ info, object: await resource.get(ns, name) });
      } catch (err) {
        if (!(flags.ignoreNotFound && isApiError(err, 'NotFound'))) errors.push(err);
      }
    }
    return found;
  }
  const listOpts: { labelSelector?: string; fieldSelector?: string } = {};
  if (flags.selector) listOpts.labelSelector = flags.selector;
  if (flags.fieldSelector) listOpts.fieldSelector = flags.fieldSelector;
  const { items } = await resource.listAll(flags.allNamespaces ? '' : ns, listOpts);
  return items.map((object) => ({ info, object }));
}

function shownObject(object: AnyObject, flags: GetFlags): AnyObject {
  return flags.showManagedFields ? object : withoutManagedFields(object);
}

/** kubectl names each row `kind/name` when objects of several kinds are printed; the table printers print metadata.name. */
function withKindPrefix(found: Found): AnyObject {
  return { ...found.object, metadata: { ...found.object.metadata, name: objectRef(found.info, found.object.metadata?.name ?? '') } };
}

function printTables(found: readonly Found[], format: OutputFormat, flags: GetFlags): string {
  const withKind = new Set(found.map((f) => f.info)).size > 1;
  const tables: string[] = [];
  for (let i = 0; i < found.length; ) {
    const info = found[i]!.info;
    let j = i;
    while (j < found.length && found[j]!.info === info) j++;
    const objects = found.slice(i, j).map((f) => (withKind ? withKindPrefix(f) : f.object));
    tables.push(
      printObjects(info, objects, format, {
        allNamespaces: Boolean(flags.allNamespaces),
        noHeaders: !flags.headers,
        showLabels: Boolean(flags.showLabels),
        labelColumns: flags.labelColumns,
      }),
    );
    i = j;
  }
  // A blank line separates the tables of different kinds, unless headers are off.
  return tables.filter((t) => t !== '').join(flags.headers ? '\n' : '');
}

/** json, yaml, name, jsonpath and custom-columns over objects of possibly several kinds. */
function printGeneric(found: readonly Found[], format: OutputFormat, single: boolean, fallback: ResourceInfo, flags: GetFlags): string {
  const kinds = new Set(found.map((f) => f.info));
  if (kinds.size <= 1) {
    const info = found[0]?.info ?? fallback;
    return printObjects(info, found.map((f) => f.object), format, { single, noHeaders: !flags.headers });
  }
  switch (format.type) {
    case 'name':
      return found.map((f) => `${formatName(f.info, f.object)}\n`).join('');
    case 'custom-columns':
      return formatCustomColumns(format, found.map((f) => kubeDocument(f.info, [f.object], true)), !flags.headers);
    default: {
      const list = sortKeysDeep({
        apiVersion: 'v1',
        items: found.map((f) => toKubeJSON(f.info, f.object) as JsonValue),
        kind: 'List',
        metadata: { resourceVersion: '' },
      });
      if (format.type === 'json') return formatJSON(list);
      if (format.type === 'yaml') return formatYAML(list);
      if (format.type === 'jsonpath') return formatJSONPath(format, list);
      return '';
    }
  }
}

/** `kubets get -w`: the current objects (unless --watch-only), then every change as it happens. */
async function watchObjects(ctx: CliContext, selection: ResourceSelection, format: OutputFormat, flags: GetFlags): Promise<void> {
  const client = await ctx.client();
  const { info } = selection;
  const namespace = info.namespaced && !flags.allNamespaces ? await ctx.namespace() : '';
  if (selection.names.length > 1) throw new CliError('watch is only supported on individual resources and resource collections, but 2 resources were found');
  const fieldSelector = [flags.fieldSelector, selection.names[0] ? `metadata.name=${selection.names[0]}` : undefined].filter(Boolean).join(',');
  const listOpts: { labelSelector?: string; fieldSelector?: string } = {};
  if (flags.selector) listOpts.labelSelector = flags.selector;
  if (fieldSelector) listOpts.fieldSelector = fieldSelector;
  const resource = client.resource(info.field);
  // A named object must exist when the watch starts, as kubectl reports NotFound then.
  if (selection.names[0] && !flags.ignoreNotFound) await resource.get(namespace, selection.names[0]);
  const { items, resourceVersion } = await resource.listAll(namespace, listOpts);
  const table = isTable(format)
    ? new WatchTable(flags.outputWatchEvents ? withEventColumn(printerFor(info)) : printerFor(info), {
        wide: format.type === 'wide',
        noHeaders: !flags.headers,
        withNamespace: Boolean(flags.allNamespaces) && info.namespaced,
        showLabels: Boolean(flags.showLabels),
        labelColumns: flags.labelColumns,
      })
    : undefined;
  let printed = 0;
  const print = (changes: WatchedChange[]): void => {
    const events = changes.map((e) => ({ ...e, object: shownObject(e.object, flags) }));
    if (table) {
      ctx.out(table.print(events.map((e) => (flags.outputWatchEvents ? eventRow(e) : e.object))));
      return;
    }
    for (const event of events) {
      const text = flags.outputWatchEvents
        ? printWatchEvent(info, event, format)
        : printObjects(info, [event.object], format, { single: true, noHeaders: !flags.headers || printed > 0 });
      ctx.out(format.type === 'yaml' && printed > 0 ? `---\n${text}` : text);
      printed++;
    }
  };
  if (!flags.watchOnly) {
    const listed = flags.sortBy ? sortByField(items.map((object) => ({ info, object })), flags.sortBy).map((f) => f.object) : items;
    print(listed.map((object) => ({ type: 'ADDED', object })));
  }
  const { signal } = ctx.io;
  for await (const event of resource.watch(namespace, { ...listOpts, resourceVersion, ...(signal && { signal }) })) {
    if (event.type !== 'BOOKMARK') print([{ type: event.type, object: event.object }]);
  }
}

interface WatchedChange {
  type: string;
  object: AnyObject;
}

/** With --output-watch-events each table row starts with the change's type, as kubectl's EVENT column. */
const EVENT_TYPE = Symbol('watch event type');
type EventRow = AnyObject & { [EVENT_TYPE]?: string };

function eventRow(change: WatchedChange): EventRow {
  return { ...change.object, [EVENT_TYPE]: change.type };
}

function withEventColumn(printer: KindPrinter<AnyObject>): KindPrinter<AnyObject> {
  return {
    columns: [{ name: 'Event' }, ...printer.columns],
    cells: (object, context) => [(object as EventRow)[EVENT_TYPE] ?? '', ...printer.cells(object, context)],
  };
}

/** -o json|yaml|jsonpath with --output-watch-events: the metav1.WatchEvent (type, then object). */
function printWatchEvent(info: ResourceInfo, change: WatchedChange, format: OutputFormat): string {
  const object = kubeDocument(info, [change.object], true);
  const event: JsonValue = { type: change.type, object };
  // Go prints the WatchEvent struct's fields in declaration order, type first.
  if (format.type === 'json') return `{\n    "type": ${JSON.stringify(change.type)},\n    "object": ${formatJSON(object).trimEnd().replaceAll('\n', '\n    ')}\n}\n`;
  if (format.type === 'yaml') return formatYAML(event);
  if (format.type === 'jsonpath') return formatJSONPath(format, event);
  return printObjects(info, [change.object], format, { single: true, noHeaders: true });
}

async function runGet(ctx: CliContext, args: string[], flags: GetFlags, command: Command): Promise<number> {
  if (args.length === 0 && flags.filename.length === 0) {
    // kubectl get says this before the usage error itself.
    ctx.err('You must specify the type of resource to get. Use "kubets api-resources" for a complete list of supported resources.\n\n');
    throw usageError(command, 'Required resource not specified.\nUse "kubets explain <resource>" for a detailed description of that resource (e.g. kubets explain pods).');
  }
  const format = outputFormat(flags.output);
  const { selections, errors } = await selectionsOf(ctx, args, flags);
  if (flags.watch || flags.watchOnly) {
    if (selections.length !== 1) throw new CliError('you may only specify a single resource type');
    await watchObjects(ctx, selections[0]!, format, flags);
    return reportErrors(ctx, errors);
  }
  const client = await ctx.client();
  const namespace = await ctx.namespace();
  const found: Found[] = [];
  for (const selection of selections) {
    const fetched = await fetch(client, selection, namespace, flags, errors);
    const shown = fetched.map((f) => ({ ...f, object: shownObject(f.object, flags) }));
    found.push(...(flags.sortBy ? sortByField(shown, flags.sortBy) : shown));
  }
  const single = selections.length === 1 && selections[0]!.names.length === 1;
  if (isTable(format)) {
    const text = printTables(found, format, flags);
    ctx.out(text);
    if (text === '' && errors.length === 0 && !flags.ignoreNotFound) {
      const allNamespaced = !flags.allNamespaces && selections.every((s) => s.info.namespaced);
      ctx.err(allNamespaced ? `No resources found in ${namespace} namespace.\n` : 'No resources found\n');
    }
  } else if (!(single && found.length === 0)) {
    ctx.out(printGeneric(found, format, single, selections[0]!.info, flags));
  }
  return reportErrors(ctx, errors);
}

export function getCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('get')
    .description('Display one or many resources')
    .argument('[resources...]', 'TYPE[,TYPE...] [NAME...] or TYPE/NAME...; "all" for the common workload types')
    .option('-o, --output <format>', 'wide, name, json, yaml, jsonpath=TEMPLATE or custom-columns=SPEC')
    .option('-l, --selector <selector>', 'label selector (e.g. -l app=web,tier in (a,b),!canary)')
    .option('--field-selector <selector>', 'field selector (e.g. --field-selector status.phase=Running)')
    .option('-A, --all-namespaces', 'list across all namespaces')
    .option('-w, --watch', 'after listing, watch for changes')
    .option('--watch-only', 'watch for changes without listing first')
    .option('--show-labels', 'show all labels as the last column')
    .option('--no-headers', 'print no header lines')
    .option('-L, --label-columns <keys>', 'labels to show as columns (comma-separated; repeatable)', collect, [])
    .option('--ignore-not-found', 'print nothing for objects that do not exist')
    .option('-f, --filename <file>', 'file, directory or - (stdin) naming the resources to get; repeatable', collectWhole, [])
    .option('-R, --recursive', 'process directories under the -f directories too')
    .option('--show-managed-fields', 'with -o json or yaml, keep metadata.managedFields in the output')
    .option('--output-watch-events', 'with --watch, print each change as a watch event (ADDED, MODIFIED, DELETED)')
    .option('--sort-by <jsonpath>', 'sort the list by this field (e.g. .metadata.name, {.status.startTime}, .spec.capacity.storage)')
    .action(verbAction(deps, (ctx, args, cmd) => runGet(ctx, args[0] as string[], cmd.opts<GetFlags>(), cmd)));
}
