import { Command } from 'commander';
import type { LogsRequest, Pod } from '../../lib/api/generated/index.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { duration, integer } from '../../lib/flags.js';
import { chooseContainer, podSelectorOf } from '../pods.js';
import { resolveType } from '../resource-args.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

interface LogsFlags {
  follow?: boolean;
  previous?: boolean;
  container?: string;
  tail: number;
  timestamps?: boolean;
  since?: number;
}

/** The pod a `logs`/`exec` argument names: `POD`, `pod/NAME`, or a workload whose first pod is used. */
export async function resolvePod(ctx: CliContext, arg: string): Promise<Pod> {
  const client = await ctx.client();
  const namespace = await ctx.namespace();
  const slash = arg.indexOf('/');
  if (slash < 0) return client.resource('pod').get(namespace, arg);
  const info = resolveType(arg.slice(0, slash));
  const name = arg.slice(slash + 1);
  if (info.field === 'pod') return client.resource('pod').get(namespace, name);
  const owner = await client.resource(info.field).get(info.namespaced ? namespace : '', name);
  const selector = podSelectorOf(info, owner);
  if (selector === undefined) throw new CliError(`cannot select pods from ${info.resource}`);
  const { items } = await client.resource('pod').listAll(namespace, { labelSelector: selector });
  const sorted = items.filter((p) => !p.metadata?.deletionTimestamp).sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  const first = sorted[0];
  if (!first) throw new CliError(`no pods found for ${info.singular}/${name}`);
  if (sorted.length > 1) ctx.err(`Found ${sorted.length} pods, using pod/${first.metadata?.name ?? ''}\n`);
  return first;
}

/** `kubets logs`: a container's log, followed with -f until interrupted. */
async function runLogs(ctx: CliContext, target: string, container: string | undefined, flags: LogsFlags): Promise<void> {
  if (container && flags.container) throw new CliError('only one of -c or an inline [CONTAINER] arg is allowed');
  const pod = await resolvePod(ctx, target);
  const request: LogsRequest = {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    container: chooseContainer(pod, container ?? flags.container, (text) => ctx.err(text)),
    follow: flags.follow ?? false,
    previous: flags.previous ?? false,
    timestamps: flags.timestamps ?? false,
  };
  if (flags.tail >= 0) request.tailLines = flags.tail;
  if (flags.since !== undefined) request.sinceSeconds = Math.max(1, Math.ceil(flags.since / 1000));
  const client = await ctx.client();
  for await (const chunk of client.logs(request)) ctx.io.stdout.write(chunk);
}

export function logsCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('logs')
    .description('Print the logs for a container in a pod')
    .argument('<pod>', 'POD or TYPE/NAME (a workload: its first pod)')
    .argument('[container]', 'the container (same as -c)')
    .option('-f, --follow', 'stream the log as it grows')
    .option('-p, --previous', "print the log of the container's previous instance")
    .option('-c, --container <name>', 'the container to print the log of')
    .option('--tail <lines>', 'lines of recent log to show; -1 shows all', integer, -1)
    .option('--timestamps', 'prefix each line with its RFC3339 timestamp')
    .option('--since <duration>', 'only logs newer than this (e.g. 5s, 2m, 3h)', duration)
    .action(verbAction(deps, (ctx, args, cmd) => runLogs(ctx, args[0] as string, args[1] as string | undefined, cmd.opts<LogsFlags>())));
}
