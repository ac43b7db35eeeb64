import { Command, Option } from 'commander';
import type { Node, NodeMetrics, Pod, PodMetrics } from '../../lib/api/generated/index.js';
import { isApiError } from '../../lib/api/errors.js';
import { formatMebibytes, formatMillicores, podUsage, usageBytes, usageMillicores } from '../../lib/printers/kinds/metrics.js';
import { TABLE_LAYOUT } from '../../lib/printers/table.js';
import { alignTabs } from '../../lib/printers/tabwriter.js';
import { parseTimestamp } from '../../lib/printers/duration.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

// kubectl 1.32's `top pod` and `top node`: what pods and nodes use now, from the metrics API
// (metrics.k8s.io), in kubectl's columns, order and messages.

export type SortBy = 'cpu' | 'memory' | undefined;

/**
 * kubectl top's own table: headers as written (`CPU(cores)`, not upper-cased), and every cell,
 * the last one too, followed by a tab, so lines end padded.
 */
function topTable(headers: string[], rows: string[][], noHeaders: boolean): string {
  const lines = noHeaders ? rows : [headers, ...rows];
  return alignTabs(lines.map((cells) => `${cells.map((c) => `${c}\t`).join('')}\n`).join(''), TABLE_LAYOUT);
}

/** kubectl waits this long after a pod is created before it calls missing metrics a problem. */
const METRICS_CREATION_DELAY_MS = 2 * 60 * 1000;

function parseSortBy(value: string | undefined): SortBy {
  if (value === undefined || value === '') return undefined;
  if (value === 'cpu' || value === 'memory') return value;
  throw new CliError('--sort-by accepts only cpu or memory');
}

const byName = <T extends { metadata?: { name?: string; namespace?: string } }>(a: T, b: T): number =>
  (a.metadata?.namespace ?? '').localeCompare(b.metadata?.namespace ?? '') || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');

/** Highest use first for --sort-by, else by namespace and name. */
function sorted<T extends { metadata?: { name?: string; namespace?: string } }>(items: T[], sortBy: SortBy, usage: (item: T) => { cpu: number; memory: number }): T[] {
  if (!sortBy) return [...items].sort(byName);
  return [...items].sort((a, b) => usage(b)[sortBy] - usage(a)[sortBy] || byName(a, b));
}

export interface PodTableOptions {
  containers?: boolean;
  allNamespaces?: boolean;
  noHeaders?: boolean;
  sortBy?: SortBy;
}

/** `top pod`: NAME CPU(cores) MEMORY(bytes), NAMESPACE first with -A, POD before NAME with --containers. */
export function podMetricsTable(metrics: PodMetrics[], opts: PodTableOptions = {}): string {
  const total = (m: PodMetrics) => {
    const u = podUsage(m);
    return { cpu: u.cpuMillis, memory: u.memoryBytes };
  };
  const rows: string[][] = [];
  const namespaced = (m: PodMetrics, cells: string[]) => (opts.allNamespaces ? [m.metadata?.namespace ?? '', ...cells] : cells);
  for (const m of sorted(metrics, opts.sortBy, total)) {
    if (!opts.containers) {
      const u = total(m);
      rows.push(namespaced(m, [m.metadata?.name ?? '', formatMillicores(u.cpu), formatMebibytes(u.memory)]));
      continue;
    }
    const containers = (m.containers ?? []).map((c) => ({ name: c.name ?? '', cpu: usageMillicores(c.usage?.cpu), memory: usageBytes(c.usage?.memory) }));
    const sortBy = opts.sortBy;
    containers.sort((a, b) => (sortBy ? b[sortBy] - a[sortBy] : 0) || a.name.localeCompare(b.name));
    for (const c of containers) rows.push(namespaced(m, [m.metadata?.name ?? '', c.name, formatMillicores(c.cpu), formatMebibytes(c.memory)]));
  }
  const headers = [...(opts.allNamespaces ? ['NAMESPACE'] : []), ...(opts.containers ? ['POD'] : []), 'NAME', 'CPU(cores)', 'MEMORY(bytes)'];
  return topTable(headers, rows, Boolean(opts.noHeaders));
}

const UNKNOWN = '<unknown>';

/** Percent of what the node offers, cut down to a whole number as kubectl's integer division does. */
const percent = (used: number, available: number): string => (available > 0 ? `${Math.floor((used * 100) / available)}%` : UNKNOWN);

export interface NodeTableOptions {
  noHeaders?: boolean;
  sortBy?: SortBy;
  /** Percentages of capacity instead of allocatable (--show-capacity). */
  showCapacity?: boolean;
}

/** `top node`: NAME CPU(cores) CPU(%) MEMORY(bytes) MEMORY(%); nodes without metrics read <unknown>. */
export function nodeMetricsTable(metrics: NodeMetrics[], nodes: Node[], opts: NodeTableOptions = {}): string {
  const usage = (m: NodeMetrics) => ({ cpu: usageMillicores(m.usage?.cpu), memory: usageBytes(m.usage?.memory) });
  const available = new Map(nodes.map((n) => [n.metadata?.name ?? '', (opts.showCapacity ? n.status?.capacity : n.status?.allocatable) ?? {}]));
  const rows = sorted(metrics, opts.sortBy, usage).map((m) => {
    const u = usage(m);
    const offered = available.get(m.metadata?.name ?? '') ?? {};
    return [m.metadata?.name ?? '', formatMillicores(u.cpu), percent(u.cpu, usageMillicores(offered.cpu)), formatMebibytes(u.memory), percent(u.memory, usageBytes(offered.memory))];
  });
  const measured = new Set(metrics.map((m) => m.metadata?.name));
  for (const n of [...nodes].sort(byName)) {
    if (!measured.has(n.metadata?.name)) rows.push([n.metadata?.name ?? '', UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN]);
  }
  return topTable(['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)'], rows, Boolean(opts.noHeaders));
}

interface TopPodFlags {
  selector?: string;
  fieldSelector?: string;
  allNamespaces?: boolean;
  containers?: boolean;
  sortBy?: string;
  headers: boolean;
}

/** Why a list came back empty: pods too young to be measured yet, or pods that should have been. */
export function explainMissing(pods: Pod[], now: number): never {
  for (const pod of pods) {
    const created = parseTimestamp(pod.metadata?.creationTimestamp) ?? now;
    const ageSeconds = (now - created) / 1000;
    if (now - created > METRICS_CREATION_DELAY_MS) {
      throw new CliError(`Metrics not available for pod ${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}, age: ${goDuration(ageSeconds)}`);
    }
  }
  throw new CliError('metrics not available yet');
}

/** Go's time.Duration.String() for an age: `2m5.5s`, `1h0m3s`. */
function goDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round((seconds % 60) * 1000) / 1000;
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}

async function runTopPod(ctx: CliContext, name: string | undefined, flags: TopPodFlags): Promise<void> {
  const sortBy = parseSortBy(flags.sortBy);
  if (name && (flags.selector || flags.fieldSelector)) throw new CliError('only one of NAME or selector can be provided');
  const client = await ctx.client();
  const namespace = flags.allNamespaces ? '' : await ctx.namespace();
  const selectors = { ...(flags.selector && { labelSelector: flags.selector }), ...(flags.fieldSelector && { fieldSelector: flags.fieldSelector }) };
  const metrics = name ? [await client.resource('podMetrics').get(namespace, name)] : (await client.resource('podMetrics').list(namespace, selectors)).items;
  if (metrics.length === 0) {
    const pods = (await client.resource('pod').list(namespace, selectors)).items;
    if (pods.length > 0) explainMissing(pods, Date.now());
    ctx.err(flags.allNamespaces ? 'No resources found\n' : `No resources found in ${namespace} namespace.\n`);
    return;
  }
  ctx.out(podMetricsTable(metrics, { containers: Boolean(flags.containers), allNamespaces: Boolean(flags.allNamespaces), noHeaders: !flags.headers, sortBy }));
}

interface TopNodeFlags {
  selector?: string;
  sortBy?: string;
  showCapacity?: boolean;
  headers: boolean;
}

async function runTopNode(ctx: CliContext, name: string | undefined, flags: TopNodeFlags): Promise<void> {
  const sortBy = parseSortBy(flags.sortBy);
  if (name && flags.selector) throw new CliError('only one of NAME or selector can be provided');
  const client = await ctx.client();
  const selectors = flags.selector ? { labelSelector: flags.selector } : {};
  const metrics = name ? [await client.resource('nodeMetrics').get('', name)] : (await client.resource('nodeMetrics').list('', selectors)).items;
  if (metrics.length === 0) throw new CliError('metrics not available yet');
  const nodes = name ? [await client.resource('node').get('', name)] : (await client.resource('node').list('', selectors)).items;
  ctx.out(nodeMetricsTable(metrics, nodes, { noHeaders: !flags.headers, sortBy, showCapacity: Boolean(flags.showCapacity) }));
}

/** A server that cannot answer the metrics API reads as kubectl's message for one that does not serve it. */
async function withMetricsErrors(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (isApiError(err, 'ServiceUnavailable')) throw new CliError('Metrics API not available');
    throw err;
  }
}

const sortByOption = (what: string) => new Option('--sort-by <field>', `sort ${what} by cpu or memory, highest first`);

export function topCommand(deps: VerbDeps = defaultDeps): Command {
  const pod = new Command('pod')
    .aliases(['pods', 'po'])
    .description('Display resource (CPU/memory) usage of pods')
    .argument('[name]')
    .option('-l, --selector <selector>', 'label selector to filter on')
    .option('--field-selector <selector>', 'field selector to filter on (metadata.name, metadata.namespace)')
    .option('-A, --all-namespaces', 'pods of every namespace')
    .option('--containers', 'one line per container')
    .addOption(sortByOption('pods'))
    .option('--no-headers', 'print no header line')
    .action(verbAction(deps, (ctx, args, cmd) => withMetricsErrors(() => runTopPod(ctx, args[0] as string | undefined, cmd.opts<TopPodFlags>()))));
  const node = new Command('node')
    .aliases(['nodes', 'no'])
    .description('Display resource (CPU/memory) usage of nodes')
    .argument('[name]')
    .option('-l, --selector <selector>', 'label selector to filter on')
    .addOption(sortByOption('nodes'))
    .option('--show-capacity', 'percentages of capacity instead of allocatable')
    .option('--no-headers', 'print no header line')
    .action(verbAction(deps, (ctx, args, cmd) => withMetricsErrors(() => runTopNode(ctx, args[0] as string | undefined, cmd.opts<TopNodeFlags>()))));
  return new Command('top').description('Display resource (CPU/memory) usage').addCommand(pod).addCommand(node);
}
