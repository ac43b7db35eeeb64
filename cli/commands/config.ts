import { Command, Option } from 'commander';
import { resolveClientConfigPath } from '../../lib/client-config.js';
import { kubeconfigBeside, minifyKubeconfig, readKubeconfig, redactKubeconfig } from '../../lib/kubeconfig.js';
import { formatJSON, formatYAML } from '../printers/output.js';
import { sortKeysDeep, type JsonValue } from '../printers/go-values.js';
import { CliError } from '../errors.js';
import type { CliContext } from '../context.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import { contextCommands } from './config-contexts.js';

// `kubets config view`: the kubeconfig `kubets up` writes beside the client config, for kubectl
// and Kubernetes client libraries, printed as kubectl prints one (keys sorted, the CA and the
// token shown only with --raw, only the current context with --minify). The context verbs edit
// kubets' own client config (config-contexts.ts).

interface ViewFlags {
  raw?: boolean;
  minify?: boolean;
  output: 'yaml' | 'json';
}

async function runView(ctx: CliContext, flags: ViewFlags): Promise<void> {
  const opts: Parameters<typeof resolveClientConfigPath>[0] = { env: ctx.io.env };
  if (ctx.globals.kubeconfig) opts.path = ctx.globals.kubeconfig;
  const path = kubeconfigBeside(resolveClientConfigPath(opts).path);
  let config: Awaited<ReturnType<typeof readKubeconfig>>;
  try {
    config = await readKubeconfig(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`no kubeconfig at ${path}: \`kubets up\` writes it beside the client config`);
    throw err;
  }
  const shown = flags.minify ? minifyKubeconfig(config) : config;
  const doc = sortKeysDeep((flags.raw ? shown : redactKubeconfig(shown)) as unknown as JsonValue);
  ctx.out(flags.output === 'json' ? formatJSON(doc) : formatYAML(doc));
}

export function configCommand(deps: VerbDeps = defaultDeps): Command {
  const view = new Command('view')
    .description('Display the kubeconfig for kubectl and Kubernetes client libraries')
    .option('--raw', 'display the certificate authority data and the token')
    .option('--minify', 'only the current context, its cluster and its user')
    .addOption(new Option('-o, --output <format>', 'yaml or json').choices(['yaml', 'json']).default('yaml'))
    .action(verbAction(deps, (ctx, _args, cmd) => runView(ctx, cmd.opts<ViewFlags>())));
  const config = new Command('config').description("View the kubeconfig for kubectl, and edit kubets' own contexts").addCommand(view);
  for (const command of contextCommands(deps)) config.addCommand(command);
  return config;
}
