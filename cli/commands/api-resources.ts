import { Command, Option } from 'commander';
import { categoriesOf } from '../../lib/api/categories.js';
import { resources, servedResources, type ResourceInfo } from '../../lib/api/resources.js';
import { resourceVerbs } from '../../lib/api/verbs.js';
import { compareStrings } from '../../lib/printers/order.js';
import { renderTable, type ColumnDefinition } from '../../lib/printers/table.js';
import type { CliContext } from '../context.js';
import { goBool } from '../../lib/flags.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

interface ApiResourcesFlags {
  output?: 'wide' | 'name';
  namespaced?: boolean;
  apiGroup?: string;
  headers: boolean;
}

const COLUMNS: ColumnDefinition[] = [
  { name: 'Name' },
  { name: 'Shortnames' },
  { name: 'Apiversion' },
  { name: 'Namespaced' },
  { name: 'Kind' },
  { name: 'Verbs', wide: true },
  { name: 'Categories', wide: true },
];

/** Discovery order: the core group first, then groups alphabetically; resources by name within a group. */
function discoveryOrder(list: readonly ResourceInfo[]): ResourceInfo[] {
  return [...list].sort((a, b) => {
    if (a.group !== b.group) return a.group === '' ? -1 : b.group === '' ? 1 : compareStrings(a.group, b.group);
    return compareStrings(a.resource, b.resource);
  });
}

/** `kubets api-resources`: kubectl's NAME SHORTNAMES APIVERSION NAMESPACED KIND table. */
function runApiResources(ctx: CliContext, flags: ApiResourcesFlags): void {
  const shown = discoveryOrder(resources).filter(
    (r) => (flags.namespaced === undefined || r.namespaced === flags.namespaced) && (flags.apiGroup === undefined || r.group === flags.apiGroup),
  );
  if (flags.output === 'name') {
    for (const r of shown) ctx.out(`${r.group ? `${r.resource}.${r.group}` : r.resource}\n`);
    return;
  }
  const rows = shown.map((r) => ({ cells: [r.resource, r.shortNames.join(','), r.apiVersion, String(r.namespaced), r.kind, resourceVerbs(r).join(','), categoriesOf(r).join(',')] }));
  ctx.out(renderTable(COLUMNS, rows, { wide: flags.output === 'wide', noHeaders: !flags.headers }));
}

export function apiResourcesCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('api-resources')
    .description('Print the supported API resources')
    .addOption(new Option('-o, --output <format>', 'wide or name').choices(['wide', 'name']))
    .addOption(new Option('--namespaced <bool>', 'true: only namespaced resources; false: only cluster-scoped ones').argParser(goBool))
    .option('--api-group <group>', 'only resources in this API group ("" for the core group)')
    .option('--no-headers', 'print no header line')
    .action(verbAction(deps, async (ctx, _args, cmd) => runApiResources(ctx, cmd.opts<ApiResourcesFlags>())));
}

/** `kubets api-versions`: every served group/version, one a line, sorted as kubectl prints them. */
function runApiVersions(ctx: CliContext): void {
  const versions = new Set(servedResources().map((r) => r.apiVersion));
  ctx.out([...versions].sort(compareStrings).map((v) => `${v}\n`).join(''));
}

export function apiVersionsCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('api-versions').description('Print the supported API versions on the server, in the form of "group/version"').action(verbAction(deps, async (ctx) => runApiVersions(ctx)));
}
