import { Command } from 'commander';
import type { Event } from '../../lib/api/generated/index.js';
import { resourceByField, type AnyObject } from '../../lib/api/resources.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { age, parseTimestamp } from '../printers/duration.js';
import type { KindPrinter } from '../printers/kinds/types.js';
import { parseOutputFormat, printObjects } from '../printers/output.js';
import { renderTable } from '../printers/table.js';
import { resolveType } from '../resource-args.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import { WatchTable } from '../watch-table.js';

// kubectl 1.32's `events` verb: a namespace's (or every namespace's) events oldest first, with
// the involved object as Kind/name and repeats as "(x3 over 5m)", optionally for one object,
// of some types, and followed with --watch.

const EVENTS = resourceByField('event');
const TYPES = ['Normal', 'Warning'];

interface EventsFlags {
  for?: string;
  types?: string;
  allNamespaces?: boolean;
  watch?: boolean;
  output?: string;
  headers: boolean;
}

function firstSeen(event: Event, now: Date | number): string {
  return event.eventTime ? age(event.eventTime, now) : age(event.firstTimestamp, now);
}

/** kubectl events' LAST SEEN: when it was last seen, and for repeats how many times over how long. */
function interval(event: Event, now: Date | number): string {
  const first = firstSeen(event, now);
  if ((event.count ?? 0) > 1) return `${age(event.lastTimestamp, now)} (x${event.count} over ${first})`;
  return first;
}

const eventsVerbPrinter: KindPrinter<Event> = {
  columns: [{ name: 'Last Seen' }, { name: 'Type' }, { name: 'Reason' }, { name: 'Object' }, { name: 'Message' }],
  cells: (event, { now }) => [
    interval(event, now),
    event.type ?? '',
    event.reason ?? '',
    `${event.involvedObject?.kind ?? ''}/${event.involvedObject?.name ?? ''}`,
    (event.message ?? '').trim(),
  ],
};

/** When the event last happened, for ordering oldest first as kubectl does. */
function lastSeenMs(event: Event): number {
  return parseTimestamp(event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp) ?? 0;
}

function parseTypes(flag: string | undefined): string[] {
  if (!flag) return [];
  const types = flag.split(',').map((t) => t.trim());
  for (const t of types) {
    if (!TYPES.some((known) => known.toLowerCase() === t.toLowerCase())) throw new CliError(`valid --types are ${TYPES.join(', ')}`);
  }
  return types.map((t) => TYPES.find((known) => known.toLowerCase() === t.toLowerCase())!);
}

/** `--for TYPE/NAME` as a field selector on the involved object. */
function forSelector(flag: string | undefined): string | undefined {
  if (!flag) return undefined;
  const slash = flag.indexOf('/');
  if (slash <= 0 || slash === flag.length - 1) throw new CliError(`--for must be in resource/name form, not "${flag}"`);
  const info = resolveType(flag.slice(0, slash));
  return `involvedObject.kind=${info.kind},involvedObject.name=${flag.slice(slash + 1)}`;
}

async function runEvents(ctx: CliContext, flags: EventsFlags): Promise<number> {
  const types = parseTypes(flags.types);
  const fieldSelector = forSelector(flags.for);
  const format = parseOutputFormat(flags.output);
  const namespace = flags.allNamespaces ? '' : await ctx.namespace();
  const events = (await ctx.client()).resource('event');
  const listOpts = fieldSelector ? { fieldSelector } : {};
  const wanted = (e: Event) => types.length === 0 || types.includes(e.type ?? '');
  const { items, resourceVersion } = await events.listAll(namespace, listOpts);
  const shown = items.filter(wanted).sort((a, b) => lastSeenMs(a) - lastSeenMs(b));
  const tableOptions = { noHeaders: !flags.headers, withNamespace: Boolean(flags.allNamespaces) };
  if (!flags.watch) {
    if (shown.length === 0) ctx.err(flags.allNamespaces ? 'No events found.\n' : `No events found in ${namespace} namespace.\n`);
    else if (format.type !== 'table') ctx.out(printObjects(EVENTS, shown, format, { single: false }));
    else {
      const now = Date.now();
      const rows = shown.map((e) => ({ cells: eventsVerbPrinter.cells(e, { now }), namespace: e.metadata?.namespace ?? '' }));
      ctx.out(renderTable(eventsVerbPrinter.columns, rows, tableOptions));
    }
    return 0;
  }
  // Followed rows keep the columns of the rows above them, as kubectl's tabwriter does.
  const table = format.type === 'table' ? new WatchTable(eventsVerbPrinter as KindPrinter<AnyObject>, tableOptions) : undefined;
  const print = (list: Event[]) => {
    if (list.length > 0) ctx.out(table ? table.print(list) : printObjects(EVENTS, list, format, { single: false }));
  };
  print(shown);
  for await (const change of events.watch(namespace, { ...listOpts, resourceVersion })) {
    if ((change.type === 'ADDED' || change.type === 'MODIFIED') && wanted(change.object)) print([change.object]);
  }
  return 0;
}

export function eventsCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('events')
    .description('List events')
    .option('--for <resource/name>', 'only events about this object (e.g. pod/web-1)')
    .option('--types <types>', 'only events of these types: Normal, Warning (comma-separated)')
    .option('-A, --all-namespaces', 'events of every namespace')
    .option('-w, --watch', 'after listing, print events as they happen')
    .option('-o, --output <format>', 'json, yaml, name, jsonpath=..., custom-columns=...')
    .option('--no-headers', 'print no header line')
    .action(verbAction(deps, (ctx, _args, cmd) => runEvents(ctx, cmd.opts<EventsFlags>())));
}
