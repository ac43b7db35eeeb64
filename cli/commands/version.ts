import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import type { VersionInfo } from '../../lib/api/generated/index.js';
import { VERSION } from '../../lib/version.js';
import type { CliContext } from '../context.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

interface VersionFlags {
  client?: boolean;
  output?: 'json' | 'yaml';
}

function clientVersion(): VersionInfo {
  return { gitVersion: VERSION, goVersion: process.version, platform: `${process.platform}/${process.arch}` };
}

/** `kubets version`: the client's version, then the server's (kubectl prints the client's even when the server is unreachable). */
async function runVersion(ctx: CliContext, flags: VersionFlags): Promise<void> {
  const client = clientVersion();
  if (flags.output) {
    const doc: Record<string, VersionInfo> = { clientVersion: client };
    if (!flags.client) doc.serverVersion = await (await ctx.client()).version();
    ctx.out(flags.output === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : stringify(doc));
    return;
  }
  ctx.out(`Client Version: ${client.gitVersion}\n`);
  if (flags.client) return;
  const server = await (await ctx.client()).version();
  ctx.out(`Server Version: ${server.gitVersion ?? ''}\n`);
}

export function versionCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('version')
    .description('Print the client and server version information')
    .option('--client', 'print the client version only (no server required)')
    .addOption(new Option('-o, --output <format>', 'json or yaml').choices(['json', 'yaml']))
    .action(verbAction(deps, (ctx, _args, cmd) => runVersion(ctx, cmd.opts<VersionFlags>())));
}
