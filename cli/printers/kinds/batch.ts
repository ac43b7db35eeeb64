import type { Condition, CronJob, Job } from '../../../lib/api/generated/index.js';
import { age, humanDuration, parseTimestamp } from '../duration.js';
import { formatLabelSelector } from '../labels.js';
import { containerCells } from './common.js';
import type { KindPrinter, RowContext } from './types.js';

// Jobs and CronJobs, with kubectl 1.32's columns.

const templateColumns = [
  { name: 'Containers', wide: true },
  { name: 'Images', wide: true },
  { name: 'Selector', wide: true },
] as const;

function hasCondition(conditions: Condition[] | undefined, type: string): boolean {
  return (conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** kubectl's STATUS of a Job: a finished condition first, then Terminating, Suspended and the interim states. */
function jobStatus(job: Job): string {
  const conditions = job.status?.conditions;
  if (hasCondition(conditions, 'Complete')) return 'Complete';
  if (hasCondition(conditions, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (hasCondition(conditions, 'Suspended')) return 'Suspended';
  if (hasCondition(conditions, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(conditions, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

/** `2/5` with completions; a work queue (no completions) needs one success: `0/1 of 3` with parallelism 3. */
function jobCompletions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  const spec = job.spec ?? {};
  if (spec.completions !== undefined) return `${succeeded}/${spec.completions}`;
  const parallelism = spec.parallelism ?? 1;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** From start to completion, or to now while running; empty before the Job starts. */
function jobDuration(job: Job, now: Date | number): string {
  const start = parseTimestamp(job.status?.startTime);
  if (start === undefined) return '';
  const end = parseTimestamp(job.status?.completionTime) ?? Number(now);
  return humanDuration(end - start);
}

export const jobPrinter: KindPrinter<Job> = {
  columns: [{ name: 'Name' }, { name: 'Status' }, { name: 'Completions' }, { name: 'Duration' }, { name: 'Age' }, ...templateColumns],
  cells(job: Job, { now }: RowContext): string[] {
    const { names, images } = containerCells(job.spec?.template?.spec?.containers);
    return [
      job.metadata?.name ?? '',
      jobStatus(job),
      jobCompletions(job),
      jobDuration(job, now),
      age(job.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(job.spec?.selector),
    ];
  },
};

export const cronJobPrinter: KindPrinter<CronJob> = {
  columns: [
    { name: 'Name' },
    { name: 'Schedule' },
    { name: 'Timezone' },
    { name: 'Suspend' },
    { name: 'Active' },
    { name: 'Last Schedule' },
    { name: 'Age' },
    ...templateColumns,
  ],
  cells(cronJob: CronJob, { now }: RowContext): string[] {
    const spec = cronJob.spec ?? {};
    const jobSpec = spec.jobTemplate?.spec;
    const { names, images } = containerCells(jobSpec?.template?.spec?.containers);
    const lastSchedule = cronJob.status?.lastScheduleTime;
    return [
      cronJob.metadata?.name ?? '',
      spec.schedule ?? '',
      spec.timeZone ?? '<none>',
      spec.suspend === undefined ? '<unset>' : spec.suspend ? 'True' : 'False',
      String(cronJob.status?.active?.length ?? 0),
      lastSchedule ? age(lastSchedule, now) : '<none>',
      age(cronJob.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(jobSpec?.selector),
    ];
  },
};
