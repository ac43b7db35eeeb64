import { Command } from 'commander';
import type { CronJob, Job } from '../../lib/api/generated/index.js';
import { resolveResourceAlias, resourceByField } from '../../lib/api/resources.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { submitGenerated } from '../submit-generated.js';
import { addWriteOptions, type WriteFlags } from '../write-output.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

// `kubectl create job` and `kubectl create cronjob`: a Job or CronJob of one container named
// after the object, running the image with the command given after `--`.

const JOB = resourceByField('job');
const CRON_JOB = resourceByField('cronJob');
/** kubectl marks a Job started by hand from a CronJob with this annotation. */
const INSTANTIATE_ANNOTATION = 'cronjob.kubernetes.io/instantiate';

interface CreateJobFlags extends WriteFlags {
  image?: string;
  from?: string;
}

interface CreateCronJobFlags extends WriteFlags {
  image: string;
  schedule: string;
  restart: string;
}

function podTemplate(name: string, image: string, command: string[], restartPolicy: string): NonNullable<Job['spec']>['template'] {
  return { spec: { containers: [{ name, image, ...(command.length > 0 ? { command } : {}) }], restartPolicy } };
}

/** The Job kubectl makes from a CronJob's template: same labels and spec, marked as started by hand, owned by the CronJob. */
export function jobFromCronJob(name: string, cronJob: CronJob): Job {
  const template = cronJob.spec?.jobTemplate ?? {};
  return {
    metadata: {
      name,
      labels: { ...template.metadata?.labels },
      annotations: { [INSTANTIATE_ANNOTATION]: 'manual', ...template.metadata?.annotations },
      // Not blockOwnerDeletion, as kubectl: that would need rights on the CronJob's finalizers.
      ownerReferences: [{ apiVersion: CRON_JOB.apiVersion, kind: CRON_JOB.kind, name: cronJob.metadata?.name ?? '', uid: cronJob.metadata?.uid ?? '', controller: true }],
    },
    spec: structuredClone(template.spec ?? {}),
  };
}

async function sourceCronJob(ctx: CliContext, from: string, namespace: string): Promise<CronJob> {
  const slash = from.indexOf('/');
  if (slash <= 0 || slash === from.length - 1) throw new CliError(`--from must be TYPE/NAME, e.g. cronjob/hello (got "${from}")`);
  const info = resolveResourceAlias(from.slice(0, slash));
  if (!info) throw new CliError(`the server doesn't have a resource type "${from.slice(0, slash)}"`);
  if (info.field !== 'cronJob') throw new CliError(`unknown object type ${info.kind}`);
  return (await ctx.client()).resource('cronJob').get(namespace, from.slice(slash + 1));
}

async function runCreateJob(ctx: CliContext, name: string, command: string[], flags: CreateJobFlags): Promise<void> {
  if (Boolean(flags.image) === Boolean(flags.from)) throw new CliError('either --image or --from must be specified');
  if (flags.from && command.length > 0) throw new CliError('cannot specify --from and command');
  // The namespace goes in only as the request's (submitGenerated): kubectl's generators leave it out.
  const job: Job = flags.from
    ? jobFromCronJob(name, await sourceCronJob(ctx, flags.from, await ctx.namespace()))
    : { metadata: { name }, spec: { template: podTemplate(name, flags.image ?? '', command, 'Never') } };
  await submitGenerated(ctx, JOB, job, flags);
}

async function runCreateCronJob(ctx: CliContext, name: string, command: string[], flags: CreateCronJobFlags): Promise<void> {
  const cronJob: CronJob = {
    metadata: { name },
    spec: {
      schedule: flags.schedule,
      jobTemplate: { metadata: { name }, spec: { template: podTemplate(name, flags.image, command, flags.restart) } },
    },
  };
  await submitGenerated(ctx, CRON_JOB, cronJob, flags);
}

export function createJobCommand(deps: VerbDeps = defaultDeps): Command {
  return addWriteOptions(new Command('job'))
    .description('Create a job with the specified name')
    .usage('NAME --image=image [--from=cronjob/name] -- [COMMAND] [args...]')
    .argument('<name>', 'name of the job')
    .argument('[command...]', 'the command and its arguments, after --')
    .option('--image <image>', 'image of the container to run')
    .option('--from <resource>', 'create the job from this cronjob (cronjob/NAME)')
    .action(verbAction(deps, (ctx, args, cmd) => runCreateJob(ctx, args[0] as string, args[1] as string[], cmd.opts<CreateJobFlags>())));
}

export function createCronJobCommand(deps: VerbDeps = defaultDeps): Command {
  return addWriteOptions(new Command('cronjob'))
    .alias('cj')
    .description('Create a cronjob with the specified name')
    .usage('NAME --image=image --schedule="* * * * *" -- [COMMAND] [args...]')
    .argument('<name>', 'name of the cronjob')
    .argument('[command...]', 'the command and its arguments, after --')
    .requiredOption('--image <image>', 'image of the container to run')
    .requiredOption('--schedule <cron>', 'schedule in cron format, e.g. "*/1 * * * *" or @hourly')
    .option('--restart <policy>', "the job's pods' restart policy: OnFailure or Never", 'OnFailure')
    .action(verbAction(deps, (ctx, args, cmd) => runCreateCronJob(ctx, args[0] as string, args[1] as string[], cmd.opts<CreateCronJobFlags>())));
}
