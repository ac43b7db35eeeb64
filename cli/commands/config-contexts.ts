import { Command, Option } from 'commander';
import { loadClientConfigFile, resolveClientConfigPath, writeClientConfig, type ClientConfigFile, type ClientContext } from '../../lib/client-config.js';
import { renderTable } from '../../lib/printers/table.js';
import { CliError } from '../errors.js';
import type { CliContext } from '../context.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

// kubectl's context verbs on kubets' client config: get-contexts, current-context, use-context,
// set-context, rename-context and delete-context. A kubets context holds its servers and
// credentials itself (kubectl splits them into clusters and users), so CLUSTER shows the servers
// and AUTHINFO the context's own name; a new context starts as a copy of the current one.

async function load(ctx: CliContext): Promise<{ path: string; file: ClientConfigFile }> {
  const opts: Parameters<typeof resolveClientConfigPath>[0] = { env: ctx.io.env };
  if (ctx.globals.kubeconfig) opts.path = ctx.globals.kubeconfig;
  const { path } = resolveClientConfigPath(opts);
  return { path, file: await loadClientConfigFile(path) };
}

function requireContext(file: ClientConfigFile, name: string): ClientContext {
  const context = file.contexts[name];
  if (!context) throw new CliError(`no context exists with the name: "${name}"`);
  return context;
}

interface GetContextsFlags {
  output?: string;
  headers: boolean;
}

async function getContexts(ctx: CliContext, names: string[], flags: GetContextsFlags): Promise<number> {
  const { file } = await load(ctx);
  const missing = names.filter((n) => !file.contexts[n]);
  const shown = names.length > 0 ? names.filter((n) => file.contexts[n]) : Object.keys(file.contexts).sort();
  if (flags.output === 'name') ctx.out(shown.map((n) => `${n}\n`).join(''));
  else {
    const rows = shown.map((name) => {
      const c = file.contexts[name]!;
      return { cells: [name === file.currentContext ? '*' : '', name, c.servers.join(','), name, c.namespace ?? ''] };
    });
    const columns = ['Current', 'Name', 'Cluster', 'AuthInfo', 'Namespace'].map((name) => ({ name }));
    ctx.out(renderTable(columns, rows, { noHeaders: !flags.headers }));
  }
  for (const name of missing) ctx.err(`error: context ${name} not found\n`);
  return missing.length > 0 ? 1 : 0;
}

interface SetContextFlags {
  current?: boolean;
  namespace?: string;
  server?: string;
  certificateAuthority?: string;
  token?: string;
}

async function setContext(ctx: CliContext, name: string | undefined, flags: SetContextFlags): Promise<void> {
  const { path, file } = await load(ctx);
  if (flags.current && name) throw new CliError('you cannot specify a context name and --current');
  const target = flags.current ? file.currentContext : name;
  if (!target) throw new CliError('you must specify a non-empty context name or --current');
  const existing = file.contexts[target];
  const base: ClientContext = existing ?? { ...requireContext(file, file.currentContext) };
  const updated: ClientContext = { ...base };
  if (flags.namespace !== undefined) updated.namespace = flags.namespace;
  if (flags.server !== undefined) updated.servers = flags.server.split(',');
  if (flags.certificateAuthority !== undefined) {
    delete updated.caData;
    updated.certificateAuthority = flags.certificateAuthority;
  }
  if (flags.token !== undefined) updated.token = flags.token;
  await save(path, { ...file, contexts: { ...file.contexts, [target]: updated } });
  ctx.out(`Context "${target}" ${existing ? 'modified' : 'created'}.\n`);
}

/** Writes through the client config's own validation, so a bad value names its field and nothing is written. */
async function save(path: string, file: ClientConfigFile): Promise<void> {
  try {
    await writeClientConfig(path, file);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

async function useContext(ctx: CliContext, name: string): Promise<void> {
  const { path, file } = await load(ctx);
  requireContext(file, name);
  await save(path, { ...file, currentContext: name });
  ctx.out(`Switched to context "${name}".\n`);
}

async function renameContext(ctx: CliContext, from: string, to: string): Promise<void> {
  const { path, file } = await load(ctx);
  const context = requireContext(file, from);
  if (file.contexts[to]) throw new CliError(`cannot rename the context "${from}", the context "${to}" already exists in ${path}`);
  const contexts = Object.fromEntries(Object.entries(file.contexts).map(([n, c]) => [n === from ? to : n, n === from ? context : c]));
  await save(path, { currentContext: file.currentContext === from ? to : file.currentContext, contexts });
  ctx.out(`Context "${from}" renamed to "${to}".\n`);
}

async function deleteContext(ctx: CliContext, name: string): Promise<void> {
  const { path, file } = await load(ctx);
  if (!file.contexts[name]) throw new CliError(`cannot delete context ${name}, not in ${path}`);
  if (name === file.currentContext) throw new CliError(`cannot delete context ${name}: it is the current context; use another one first (kubets config use-context)`);
  const { [name]: _deleted, ...contexts } = file.contexts;
  await save(path, { ...file, contexts });
  ctx.out(`deleted context ${name} from ${path}\n`);
}

/** The context subcommands of `kubets config`. */
export function contextCommands(deps: VerbDeps = defaultDeps): Command[] {
  return [
    new Command('current-context')
      .description('Display the current context')
      .action(verbAction(deps, async (ctx) => ctx.out(`${(await load(ctx)).file.currentContext}\n`))),
    new Command('get-contexts')
      .description('Describe one or many contexts')
      .argument('[names...]')
      .addOption(new Option('-o, --output <format>', 'name to print only the names').choices(['name']))
      .option('--no-headers', 'print no header line')
      .action(verbAction(deps, (ctx, args, cmd) => getContexts(ctx, args[0] as string[], cmd.opts<GetContextsFlags>()))),
    new Command('use-context')
      .alias('use')
      .description('Set the current context')
      .argument('<name>')
      .action(verbAction(deps, (ctx, args) => useContext(ctx, args[0] as string))),
    // --namespace, --server, --certificate-authority and --token are the CLI's global flags; here
    // they say what to store rather than where to connect.
    new Command('set-context')
      .description('Set a context entry from --namespace, --server, --certificate-authority and --token; a new context starts as a copy of the current one')
      .argument('[name]')
      .option('--current', 'modify the current context')
      .action(verbAction(deps, (ctx, args, cmd) => setContext(ctx, args[0] as string | undefined, cmd.optsWithGlobals<SetContextFlags>()))),
    new Command('rename-context')
      .description('Rename a context')
      .argument('<old-name>')
      .argument('<new-name>')
      .action(verbAction(deps, (ctx, args) => renameContext(ctx, args[0] as string, args[1] as string))),
    new Command('delete-context')
      .description('Delete a context')
      .argument('<name>')
      .action(verbAction(deps, (ctx, args) => deleteContext(ctx, args[0] as string))),
  ];
}
