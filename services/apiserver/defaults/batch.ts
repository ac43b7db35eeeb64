import type { CronJob, Job } from '../../../lib/api/generated/index.js';
import { CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL } from '../../../lib/api/batch-labels.js';
import { defaultPodTemplate } from './pod-spec.js';

// Defaults of batch/v1 (Kubernetes' SetDefaults_Job and SetDefaults_CronJob, and the Job
// strategy's generated selector).

const DEFAULT_BACKOFF_LIMIT = 6;
const DEFAULT_SUCCESSFUL_JOBS_HISTORY_LIMIT = 3;
const DEFAULT_FAILED_JOBS_HISTORY_LIMIT = 1;

/**
 * Kubernetes' generateSelector: unless the user asked for a manual selector, the Job's pods carry
 * its uid and name as labels, and the selector matches the uid, so a Job never selects another's
 * pods. Labels the user set are kept; validation rejects them if they disagree.
 */
function generateSelector(job: Job): void {
  const meta = job.metadata ?? {};
  const spec = job.spec ?? {};
  if (spec.manualSelector === true || !meta.uid) return;
  spec.template ??= {};
  spec.template.metadata ??= {};
  const labels = (spec.template.metadata.labels ??= {});
  for (const key of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) labels[key] ??= meta.name ?? '';
  for (const key of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) labels[key] ??= meta.uid;
  spec.selector ??= {};
  spec.selector.matchLabels ??= {};
  spec.selector.matchLabels[CONTROLLER_UID_LABEL] ??= meta.uid;
}

export function defaultJob(job: Job): void {
  job.spec ??= {};
  const spec = job.spec;
  // Both unset: one pod, one completion. Only completions unset: a work queue, one pod at a time by default.
  if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
  spec.parallelism ??= 1;
  spec.backoffLimit ??= DEFAULT_BACKOFF_LIMIT;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.template ??= {};
  defaultPodTemplate(spec.template);
  generateSelector(job);
  const templateLabels = spec.template.metadata?.labels;
  job.metadata ??= {};
  if (templateLabels && Object.keys(job.metadata.labels ?? {}).length === 0) job.metadata.labels = { ...templateLabels };
}

export function defaultCronJob(cronJob: CronJob): void {
  cronJob.spec ??= {};
  const spec = cronJob.spec;
  spec.concurrencyPolicy ||= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= DEFAULT_SUCCESSFUL_JOBS_HISTORY_LIMIT;
  spec.failedJobsHistoryLimit ??= DEFAULT_FAILED_JOBS_HISTORY_LIMIT;
  spec.jobTemplate ??= {};
  spec.jobTemplate.spec ??= {};
  spec.jobTemplate.spec.template ??= {};
  defaultPodTemplate(spec.jobTemplate.spec.template);
}
