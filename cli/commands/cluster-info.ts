import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

/**
 * `kubets cluster-info`: where the control plane answers, in kubectl's words. The server is asked
 * for its version first, so an unreachable one is an error rather than a claim.
 */
async function runClusterInfo(ctx: CliContext): Promise<void> {
  const client = await ctx.client();
  await client.version();
  const server = client.servers[0] ?? '';
  ctx.out(`Kubernetes control plane is running at https://${server}\n`);
  ctx.out(`\nTo further debug and diagnose cluster problems, use 'kubets describe nodes' and 'kubets get events -A'.\n`);
}

export function clusterInfoCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('cluster-info')
    .description('Display addresses of the control plane')
    .action(verbAction(deps, (ctx) => runClusterInfo(ctx)));
}
