import type { CronJob, Job, JobSpec } from '../../../lib/api/generated/index.js';
import { humanDuration } from '../duration.js';
import { labelSelectorString } from '../labels.js';
import type { DescribeOptions } from './pod.js';
import { writePodTemplate } from './pod-template.js';
import { writeAnnotations, writeControlledBy, writeEvents, writeLabels } from './sections.js';
import { DescribeWriter, formatTime } from './writer.js';

// `kubectl describe job` and `kubectl describe cronjob`.

/** Long completedIndexes lists are cut after this many ranges, as kubectl does. */
const MAX_INDEX_RANGES = 50;

const orUnset = (value: number | undefined): string => (value === undefined ? '<unset>' : String(value));

function indexesOrNone(completed: string | undefined): string {
  if (!completed) return '<none>';
  const ranges = completed.split(',');
  return ranges.length > MAX_INDEX_RANGES ? `${ranges.slice(0, MAX_INDEX_RANGES).join(',')},...` : completed;
}

export function describeJob(job: Job, options: DescribeOptions): string {
  const w = new DescribeWriter();
  const spec = job.spec ?? {};
  const status = job.status ?? {};
  w.write(0, `Name:\t${job.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${job.metadata?.namespace ?? ''}\n`);
  w.write(0, `Selector:\t${labelSelectorString(spec.selector)}\n`);
  writeLabels(w, 'Labels', job.metadata?.labels);
  writeAnnotations(w, 'Annotations', job.metadata?.annotations);
  writeControlledBy(w, job.metadata);
  if (spec.parallelism !== undefined) w.write(0, `Parallelism:\t${spec.parallelism}\n`);
  w.write(0, `Completions:\t${orUnset(spec.completions)}\n`);
  if (spec.completionMode !== undefined) w.write(0, `Completion Mode:\t${spec.completionMode}\n`);
  if (spec.suspend !== undefined) w.write(0, `Suspend:\t${spec.suspend}\n`);
  if (spec.backoffLimit !== undefined) w.write(0, `Backoff Limit:\t${spec.backoffLimit}\n`);
  if (spec.ttlSecondsAfterFinished !== undefined) w.write(0, `TTL Seconds After Finished:\t${spec.ttlSecondsAfterFinished}\n`);
  if (status.startTime) w.write(0, `Start Time:\t${formatTime(status.startTime)}\n`);
  if (status.completionTime) w.write(0, `Completed At:\t${formatTime(status.completionTime)}\n`);
  if (status.startTime && status.completionTime) w.write(0, `Duration:\t${humanDuration(Date.parse(status.completionTime) - Date.parse(status.startTime))}\n`);
  if (spec.activeDeadlineSeconds !== undefined) w.write(0, `Active Deadline Seconds:\t${spec.activeDeadlineSeconds}s\n`);
  const ready = status.ready === undefined ? '' : ` (${status.ready} Ready)`;
  w.write(0, `Pods Statuses:\t${status.active ?? 0} Active${ready} / ${status.succeeded ?? 0} Succeeded / ${status.failed ?? 0} Failed\n`);
  if (spec.completionMode === 'Indexed') w.write(0, `Completed Indexes:\t${indexesOrNone(status.completedIndexes)}\n`);
  writePodTemplate(w, spec.template);
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}

function writeJobTemplate(w: DescribeWriter, spec: JobSpec | undefined): void {
  w.write(0, `Selector:\t${spec?.selector ? labelSelectorString(spec.selector) : '<unset>'}\n`);
  w.write(0, `Parallelism:\t${orUnset(spec?.parallelism)}\n`);
  w.write(0, `Completions:\t${orUnset(spec?.completions)}\n`);
  if (spec?.activeDeadlineSeconds !== undefined) w.write(0, `Active Deadline Seconds:\t${spec.activeDeadlineSeconds}s\n`);
  writePodTemplate(w, spec?.template);
}

export function describeCronJob(cronJob: CronJob, options: DescribeOptions): string {
  const w = new DescribeWriter();
  const spec = cronJob.spec ?? {};
  const status = cronJob.status ?? {};
  w.write(0, `Name:\t${cronJob.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${cronJob.metadata?.namespace ?? ''}\n`);
  writeLabels(w, 'Labels', cronJob.metadata?.labels);
  writeAnnotations(w, 'Annotations', cronJob.metadata?.annotations);
  w.write(0, `Schedule:\t${spec.schedule ?? ''}\n`);
  if (spec.timeZone !== undefined) w.write(0, `Time Zone:\t${spec.timeZone}\n`);
  w.write(0, `Concurrency Policy:\t${spec.concurrencyPolicy ?? ''}\n`);
  w.write(0, `Suspend:\t${spec.suspend === undefined ? '<unset>' : spec.suspend ? 'True' : 'False'}\n`);
  w.write(0, `Successful Job History Limit:\t${orUnset(spec.successfulJobsHistoryLimit)}\n`);
  w.write(0, `Failed Job History Limit:\t${orUnset(spec.failedJobsHistoryLimit)}\n`);
  w.write(0, `Starting Deadline Seconds:\t${spec.startingDeadlineSeconds === undefined ? '<unset>' : `${spec.startingDeadlineSeconds}s`}\n`);
  writeJobTemplate(w, spec.jobTemplate?.spec ?? undefined);
  w.write(0, `Last Schedule Time:\t${status.lastScheduleTime ? formatTime(status.lastScheduleTime) : '<unset>'}\n`);
  w.write(0, `Active Jobs:\t${(status.active ?? []).map((j) => j.name ?? '').join(', ') || '<none>'}\n`);
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}
