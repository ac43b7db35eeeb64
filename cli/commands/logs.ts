import { StringDecoder } from 'node:string_decoder';
import { Command } from 'commander';
import type { LogsRequest, Pod } from '../../lib/api/generated/index.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { duration, integer, positiveInt } from '../../lib/flags.js';
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
  selector?: string;
  allContainers?: boolean;
  prefix?: boolean;
  maxLogRequests: number;
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

/** One log stream to read: a pod's container. */
interface LogTarget {
  pod: Pod;
  container: string;
}

/** kubectl's limit on streams followed at once (--max-log-requests). */
const DEFAULT_MAX_LOG_REQUESTS = 5;
/** kubectl shows the last 10 lines of each pod chosen by a selector unless --tail says otherwise. */
const SELECTOR_DEFAULT_TAIL = 10;

/** The pods and containers a `logs` call reads: one pod's chosen container, or with --all-containers all of them. */
async function logTargets(ctx: CliContext, target: string | undefined, container: string | undefined, flags: LogsFlags): Promise<LogTarget[]> {
  if (target && flags.selector) throw new CliError('only one of a pod name and -l/--selector is allowed');
  if (container && flags.container) throw new CliError('only one of -c or an inline [CONTAINER] arg is allowed');
  if (flags.allContainers && (container || flags.container)) throw new CliError('--all-containers=true should not be specified with container name');
  let pods: Pod[];
  if (flags.selector) {
    const client = await ctx.client();
    const { items } = await client.resource('pod').listAll(await ctx.namespace(), { labelSelector: flags.selector });
    pods = items.filter((p) => !p.metadata?.deletionTimestamp).sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    if (pods.length === 0) ctx.err(`No resources found in ${await ctx.namespace()} namespace.\n`);
  } else if (target) {
    pods = [await resolvePod(ctx, target)];
  } else {
    throw new CliError('expected a pod name or a selector (-l): kubets logs POD or kubets logs -l app=web');
  }
  return pods.flatMap((pod) => {
    if (flags.allContainers) return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => ({ pod, container: c.name ?? '' }));
    return [{ pod, container: chooseContainer(pod, container ?? flags.container, (text) => ctx.err(text)) }];
  });
}

/**
 * Writes a stream's chunks to stdout as they come, or, with a prefix, whole lines each behind it
 * (a decoder keeps a character split between chunks whole).
 */
function lineWriter(write: (data: string | Buffer) => void, prefix: string): { chunk(data: Buffer): void; end(): void } {
  if (!prefix) return { chunk: write, end: () => undefined };
  const decoder = new StringDecoder('utf8');
  let partial = '';
  return {
    chunk(data) {
      const lines = (partial + decoder.write(data)).split('\n');
      partial = lines.pop() ?? '';
      if (lines.length > 0) write(lines.map((l) => `${prefix}${l}\n`).join(''));
    },
    end() {
      partial += decoder.end();
      if (partial) write(`${prefix}${partial}\n`);
      partial = '';
    },
  };
}

/** `kubets logs`: containers' logs, one pod's or every selected pod's, followed with -f until interrupted. */
async function runLogs(ctx: CliContext, target: string | undefined, container: string | undefined, flags: LogsFlags): Promise<void> {
  const targets = await logTargets(ctx, target, container, flags);
  if (flags.follow && targets.length > flags.maxLogRequests) {
    throw new CliError(`you are attempting to follow ${targets.length} log streams, but maximum allowed concurrency is ${flags.maxLogRequests}, use --max-log-requests to increase the limit`);
  }
  const tail = flags.tail >= 0 ? flags.tail : flags.selector ? SELECTOR_DEFAULT_TAIL : -1;
  const client = await ctx.client();
  const read = async ({ pod, container: name }: LogTarget): Promise<void> => {
    const request: LogsRequest = {
      namespace: pod.metadata?.namespace ?? '',
      name: pod.metadata?.name ?? '',
      container: name,
      follow: flags.follow ?? false,
      previous: flags.previous ?? false,
      timestamps: flags.timestamps ?? false,
    };
    if (tail >= 0) request.tailLines = tail;
    if (flags.since !== undefined) request.sinceSeconds = Math.max(1, Math.ceil(flags.since / 1000));
    const out = lineWriter((text) => ctx.io.stdout.write(text), flags.prefix ? `[pod/${request.name}/${name}] ` : '');
    for await (const chunk of client.logs(request)) out.chunk(chunk);
    out.end();
  };
  // Followed streams run side by side (bounded above); finite ones one after another, in order.
  if (flags.follow) await Promise.all(targets.map(read));
  else for (const t of targets) await read(t);
}

export function logsCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('logs')
    .description('Print the logs for a container in a pod, or for the pods a selector chooses')
    .argument('[pod]', 'POD or TYPE/NAME (a workload: its first pod)')
    .argument('[container]', 'the container (same as -c)')
    .option('-f, --follow', 'stream the log as it grows')
    .option('-p, --previous', "print the log of the container's previous instance")
    .option('-c, --container <name>', 'the container to print the log of')
    .option('-l, --selector <selector>', 'the pods to print the logs of, by label (e.g. app=web); shows the last 10 lines of each unless --tail says otherwise')
    .option('--all-containers', "print the logs of all the pods' containers")
    .option('--prefix', 'prefix each line with its source: [pod/NAME/CONTAINER]')
    .option('--max-log-requests <n>', 'the most streams followed at once with -f and a selector', positiveInt, DEFAULT_MAX_LOG_REQUESTS)
    .option('--tail <lines>', 'lines of recent log to show; -1 shows all', integer, -1)
    .option('--timestamps', 'prefix each line with its RFC3339 timestamp')
    .option('--since <duration>', 'only logs newer than this (e.g. 5s, 2m, 3h)', duration)
    .action(verbAction(deps, (ctx, args, cmd) => runLogs(ctx, args[0] as string | undefined, args[1] as string | undefined, cmd.opts<LogsFlags>())));
}
