import { Command } from 'commander';
import type { Container, Pod, Service } from '../../lib/api/generated/index.js';
import { resourceByField } from '../../lib/api/resources.js';
import { collectWhole, duration, integer } from '../../lib/flags.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { keyValues } from '../key-values.js';
import { submitGenerated } from '../submit-generated.js';
import { addWriteOptions, type WriteFlags } from '../write-output.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import { pollUntil } from '../wait.js';
import { attachToPod } from './exec.js';

// kubectl run: one pod named NAME running IMAGE (labelled run=NAME), the words after -- as its
// arguments (or its command with --command), and with --expose a ClusterIP Service in front.

interface RunFlags extends WriteFlags {
  image?: string;
  env: string[];
  port?: number;
  labels?: string;
  annotations: string[];
  restart: string;
  command?: boolean;
  imagePullPolicy?: string;
  expose?: boolean;
  stdin?: boolean;
  tty?: boolean;
  rm?: boolean;
  attach?: boolean;
  podRunningTimeout: number;
}

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];

function buildPod(name: string, args: readonly string[], flags: RunFlags): Pod {
  const container: Container = { name, image: flags.image! };
  if (args.length > 0) container[flags.command ? 'command' : 'args'] = [...args];
  const env = keyValues(flags.env, 'env');
  if (Object.keys(env).length > 0) container.env = Object.entries(env).map(([k, v]) => ({ name: k, value: v }));
  if (flags.port !== undefined) container.ports = [{ containerPort: flags.port }];
  if (flags.stdin) Object.assign(container, { stdin: true, stdinOnce: true });
  if (flags.tty) container.tty = true;
  if (flags.imagePullPolicy) container.imagePullPolicy = flags.imagePullPolicy;
  const labels = flags.labels ? keyValues(flags.labels.split(','), 'label') : { run: name };
  const annotations = keyValues(flags.annotations, 'annotation');
  return {
    metadata: { name, labels, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    spec: { containers: [container], restartPolicy: flags.restart, dnsPolicy: 'ClusterFirst' },
  };
}

async function runRun(ctx: CliContext, args: string[], flags: RunFlags): Promise<number> {
  const [name, ...rest] = args;
  if (!name) throw new CliError('NAME is required for run');
  if (!flags.image) throw new CliError('required flag(s) "image" not set');
  const attach = Boolean(flags.attach || flags.stdin || flags.tty);
  if (flags.rm && !attach) throw new CliError('--rm should only be used for attached containers');
  if (attach && flags.dryRun !== 'none') throw new CliError("--dry-run can't be used with attached containers options (--attach, --stdin, or --tty)");
  if (!RESTART_POLICIES.includes(flags.restart)) throw new CliError(`invalid restart policy: ${flags.restart}`);
  if (flags.expose && flags.port === undefined) throw new CliError('--port must be set when exposing a service');
  const pod = buildPod(name, rest, flags);
  if (flags.expose) {
    const service: Service = {
      metadata: { name, ...(flags.labels ? { labels: pod.metadata!.labels! } : {}) },
      spec: { selector: pod.metadata!.labels!, ports: [{ protocol: 'TCP', port: flags.port!, targetPort: { intVal: flags.port! } }] },
    };
    await submitGenerated(ctx, resourceByField('service'), service, flags);
  }
  const created = (await submitGenerated(ctx, resourceByField('pod'), pod, flags, { silent: attach })) as Pod;
  return attach ? attachAndClean(ctx, created, flags) : 0;
}

/** Waits for the pod to start, attaches to it, and with --rm deletes it afterwards. */
async function attachAndClean(ctx: CliContext, pod: Pod, flags: RunFlags): Promise<number> {
  const pods = (await ctx.client()).resource('pod');
  const namespace = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  let current = pod;
  const started = await pollUntil(async () => {
    current = await pods.get(namespace, name);
    return ['Running', 'Succeeded', 'Failed'].includes(current.status?.phase ?? '');
  }, flags.podRunningTimeout);
  try {
    if (!started) throw new CliError(`timed out waiting for the condition on pods/${name}`);
    return await attachToPod(ctx, current, { stdin: Boolean(flags.stdin), tty: Boolean(flags.tty) });
  } finally {
    if (flags.rm) {
      await pods.delete(namespace, name);
      ctx.out(`pod "${name}" deleted\n`);
    }
  }
}

export function runCommand(deps: VerbDeps = defaultDeps): Command {
  return addWriteOptions(
    new Command('run')
      .description('Run a particular image on the cluster')
      .argument('[name-and-args...]', 'NAME [-- COMMAND] [args...]')
      .option('--image <image>', 'the container image to run (required)')
      .option('--env <KEY=VALUE>', 'an environment variable for the container; repeatable', collectWhole, [])
      .option('--port <port>', 'the port the container exposes', integer)
      .option('-l, --labels <labels>', 'labels for the pod, e.g. a=b,c=d (default run=NAME)')
      .option('--annotations <KEY=VALUE>', 'an annotation for the pod; repeatable', collectWhole, [])
      .option('--restart <policy>', 'the restart policy: Always, OnFailure or Never', 'Always')
      .option('--command', 'the words after -- are the command, not arguments to the image\'s entrypoint')
      .option('--image-pull-policy <policy>', 'Always, IfNotPresent or Never')
      .option('--expose', 'also create a ClusterIP Service for the pod on --port')
      .option('-i, --stdin', "keep the container's stdin open and pass ours to it (attaches)")
      .option('-t, --tty', 'allocate a TTY for the container (attaches)')
      .option('--rm', 'delete the pod once the attached session ends')
      .option('--attach', 'wait for the pod to start and attach to it')
      .option('--pod-running-timeout <duration>', 'how long to wait for the pod to start before attaching', duration, 60_000),
  ).action(verbAction(deps, (ctx, args, cmd) => runRun(ctx, args[0] as string[], cmd.opts<RunFlags>())));
}
