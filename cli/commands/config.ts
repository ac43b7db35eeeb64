import { Command, Option } from 'commander';
import { resolveClientConfigPath } from '../../lib/client-config.js';
import { kubeconfigBeside, readKubeconfig, redactKubeconfig } from '../../lib/kubeconfig.js';
import { formatJSON, formatYAML } from '../printers/output.js';
import { sortKeysDeep, type JsonValue } from '../printers/go-values.js';
import { CliError } from '../errors.js';
import type { CliContext } from '../context.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

// `kubets config view`: the kubeconfig `kubets up` writes beside the client config, for kubectl
// and Kubernetes client libraries, printed as kubectl prints one (keys sorted, the CA and the
// token shown only with --raw).

interface ViewFlags {
  raw?: boolean;
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
  const doc = sortKeysDeep((flags.raw ? config : redactKubeconfig(config)) as unknown as JsonValue);
  ctx.out(flags.output === 'json' ? formatJSON(doc) : formatYAML(doc));
}

export function configCommand(deps: VerbDeps = defaultDeps): Command {
  const view = new Command('view')
    .description('Display the kubeconfig for kubectl and Kubernetes client libraries')
    .option('--raw', 'display the certificate authority data and the token')
    .addOption(new Option('-o, --output <format>', 'yaml or json').choices(['yaml', 'json']).default('yaml'))
    .action(verbAction(deps, (ctx, _args, cmd) => runView(ctx, cmd.opts<ViewFlags>())));
  return new Command('config').description('View the kubeconfig').addCommand(view);
}
