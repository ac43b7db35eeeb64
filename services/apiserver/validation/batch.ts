import type { CronJob, Job, JobSpec, JobStatus, LabelSelector, PodTemplateSpec } from '../../../lib/api/generated/index.js';
import { CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL } from '../../../lib/api/batch-labels.js';
import { InvalidScheduleError, parseSchedule, timeZoneError } from '../../../lib/cron/schedule.js';
import { LabelSelectorError, selectorFromLabelSelector } from '../../../lib/labels/selector.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { isDNS1123Label } from '../../../lib/validation/names.js';
import { nameIsDNSSubdomain, validateImmutableField, validateNonnegativeField } from './helpers.js';
import { validateAnnotations, validateLabels, validateLabelSelector } from './labels.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { validatePodTemplateSpec } from './pod-spec.js';

// batch/v1 Job and CronJob (pkg/apis/batch/validation).

const COMPLETION_MODES = ['NonIndexed', 'Indexed'];
const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];
const JOB_RESTART_POLICIES = ['OnFailure', 'Never'];
/** Indexed Jobs track every index in status: Kubernetes caps completions and parallelism. */
const MAX_INDEXED_COMPLETIONS = 100_000;
/** A CronJob's Jobs are named `<cronjob>-<minutes>` (11 more characters) and must stay DNS labels. */
const MAX_CRONJOB_NAME_LENGTH = 52;
const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

function validateOptionalNonnegative(value: number | undefined, path: FieldPath): FieldError[] {
  return value === undefined ? [] : validateNonnegativeField(value, path);
}

/** A Job's selector (required once generated) and the template it must match. */
function validateSelector(selector: LabelSelector | undefined, template: PodTemplateSpec | undefined, path: FieldPath, required: boolean): FieldError[] {
  if (!selector) return required ? [field.required(path.child('selector'))] : [];
  const errs = validateLabelSelector(selector, path.child('selector'));
  try {
    const parsed = selectorFromLabelSelector(selector);
    if (!parsed.empty() && !parsed.matches(template?.metadata?.labels)) {
      errs.push(field.invalid(path.child('template', 'metadata', 'labels'), template?.metadata?.labels ?? null, SELECTOR_MISMATCH));
    }
  } catch (err) {
    if (!(err instanceof LabelSelectorError)) throw err;
    errs.push(field.invalid(path.child('selector'), selector, 'invalid label selector'));
  }
  return errs;
}

/** The rules a Job's spec and a CronJob's job template share; `selectorRequired` for Jobs (their selector is generated). */
function validateJobSpec(spec: JobSpec | undefined, path: FieldPath, selectorRequired: boolean): FieldError[] {
  const s = spec ?? {};
  const errs = [
    ...validateOptionalNonnegative(s.parallelism, path.child('parallelism')),
    ...validateOptionalNonnegative(s.completions, path.child('completions')),
    ...validateOptionalNonnegative(s.activeDeadlineSeconds, path.child('activeDeadlineSeconds')),
    ...validateOptionalNonnegative(s.backoffLimit, path.child('backoffLimit')),
    ...validateOptionalNonnegative(s.ttlSecondsAfterFinished, path.child('ttlSecondsAfterFinished')),
    ...validateSelector(s.selector, s.template, path, selectorRequired),
    ...validatePodTemplateSpec(s.template, path.child('template')),
  ];
  const mode = s.completionMode;
  if (mode !== undefined && !COMPLETION_MODES.includes(mode)) errs.push(field.notSupported(path.child('completionMode'), mode, COMPLETION_MODES));
  if (mode === 'Indexed') {
    if (s.completions === undefined) errs.push(field.required(path.child('completions'), 'when completion mode is Indexed'));
    for (const key of ['completions', 'parallelism'] as const) {
      if ((s[key] ?? 0) > MAX_INDEXED_COMPLETIONS) {
        errs.push(field.invalid(path.child(key), s[key], `must be less than or equal to ${MAX_INDEXED_COMPLETIONS} when completion mode is Indexed`));
      }
    }
  }
  const restartPolicy = s.template?.spec?.restartPolicy ?? '';
  if (!JOB_RESTART_POLICIES.includes(restartPolicy)) {
    errs.push(field.notSupported(path.child('template', 'spec', 'restartPolicy'), restartPolicy, JOB_RESTART_POLICIES));
  }
  return errs;
}

/**
 * Kubernetes' validateGeneratedSelector: without manualSelector the selector and the pods'
 * uid and name labels are the ones the apiserver generated; a user's own would select foreign pods.
 */
function validateGeneratedSelector(job: Job): FieldError[] {
  const spec = job.spec ?? {};
  if (spec.manualSelector === true) return [];
  const uid = job.metadata?.uid ?? '';
  const errs: FieldError[] = [];
  const selectorUid = spec.selector?.matchLabels?.[CONTROLLER_UID_LABEL];
  if (spec.selector && selectorUid !== uid) {
    errs.push(field.invalid(field.root('spec', 'selector'), spec.selector, '`selector` not auto-generated'));
  }
  const labels = spec.template?.metadata?.labels ?? {};
  const labelsPath = field.root('spec', 'template', 'metadata', 'labels');
  const expected: [string, string][] = [
    [LEGACY_CONTROLLER_UID_LABEL, uid],
    [CONTROLLER_UID_LABEL, uid],
    [LEGACY_JOB_NAME_LABEL, job.metadata?.name ?? ''],
    [JOB_NAME_LABEL, job.metadata?.name ?? ''],
  ];
  for (const [key, value] of expected) {
    if (key in labels && labels[key] !== value) errs.push(field.invalid(labelsPath.key(key), labels[key], `must be '${value}'`));
  }
  return errs;
}

/** Indexed pods are named `<job>-<index>` as hostnames: the largest must still be a DNS label. */
function validateIndexedHostnames(job: Job): FieldError[] {
  const spec = job.spec ?? {};
  if (spec.completionMode !== 'Indexed' || (spec.completions ?? 0) <= 0) return [];
  const name = job.metadata?.name ?? '';
  const longest = `${name}-${(spec.completions ?? 1) - 1}`;
  if (isDNS1123Label(longest).length === 0) return [];
  return [field.invalid(field.root('metadata', 'name'), name, `will not able to create pod with invalid DNS label: ${longest}`)];
}

export function validateJob(job: Job): FieldError[] {
  return [
    ...validateObjectMeta(job.metadata, true, nameIsDNSSubdomain),
    ...validateGeneratedSelector(job),
    ...validateIndexedHostnames(job),
    ...validateJobSpec(job.spec, field.root('spec'), true),
  ];
}

export function validateJobUpdate(job: Job, old: Job): FieldError[] {
  const path = field.root('spec');
  const spec = job.spec ?? {};
  const oldSpec = old.spec ?? {};
  const errs = [
    ...validateObjectMetaUpdate(job.metadata, old.metadata),
    ...validateImmutableField(spec.selector, oldSpec.selector, path.child('selector')),
    ...validateImmutableField(spec.completions, oldSpec.completions, path.child('completions')),
    ...validateImmutableField(spec.completionMode, oldSpec.completionMode, path.child('completionMode')),
    ...validateImmutableField(spec.manualSelector, oldSpec.manualSelector, path.child('manualSelector')),
  ];
  // A suspended Job that never started may still get a new template (Kubernetes' mutable scheduling directives, simplified).
  const neverStarted = oldSpec.suspend === true && !old.status?.startTime;
  if (!neverStarted) errs.push(...validateImmutableField(spec.template, oldSpec.template, path.child('template')));
  return errs;
}

export function validateJobStatus(status: JobStatus | undefined): FieldError[] {
  const path = field.root('status');
  const s = status ?? {};
  const errs: FieldError[] = [];
  for (const key of ['active', 'succeeded', 'failed'] as const) errs.push(...validateNonnegativeField(s[key], path.child(key)));
  errs.push(...validateOptionalNonnegative(s.ready, path.child('ready')));
  return errs;
}

function validateSchedule(cronJob: CronJob, path: FieldPath): FieldError[] {
  const schedule = cronJob.spec?.schedule ?? '';
  if (!schedule) return [field.required(path)];
  const errs: FieldError[] = [];
  try {
    // The time zone is checked on its own field; here only the expression counts.
    parseSchedule(schedule);
  } catch (err) {
    if (!(err instanceof InvalidScheduleError)) throw err;
    errs.push(field.invalid(path, schedule, err.message));
  }
  if (schedule.includes('TZ')) errs.push(field.invalid(path, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  return errs;
}

function validateTimeZone(timeZone: string | undefined, path: FieldPath): FieldError[] {
  if (timeZone === undefined) return [];
  if (timeZone === '') return [field.invalid(path, timeZone, 'timeZone must be nil or non-empty string')];
  if (timeZone.toLowerCase() === 'local') {
    return [field.invalid(path, timeZone, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones')];
  }
  const err = timeZoneError(timeZone);
  return err ? [field.invalid(path, timeZone, err)] : [];
}

function validateCronJobSpec(cronJob: CronJob): FieldError[] {
  const path = field.root('spec');
  const spec = cronJob.spec ?? {};
  const errs = [
    ...validateSchedule(cronJob, path.child('schedule')),
    ...validateTimeZone(spec.timeZone, path.child('timeZone')),
    ...validateOptionalNonnegative(spec.startingDeadlineSeconds, path.child('startingDeadlineSeconds')),
    ...validateOptionalNonnegative(spec.successfulJobsHistoryLimit, path.child('successfulJobsHistoryLimit')),
    ...validateOptionalNonnegative(spec.failedJobsHistoryLimit, path.child('failedJobsHistoryLimit')),
  ];
  const policy = spec.concurrencyPolicy ?? '';
  if (!policy) errs.push(field.required(path.child('concurrencyPolicy')));
  else if (!CONCURRENCY_POLICIES.includes(policy)) errs.push(field.notSupported(path.child('concurrencyPolicy'), policy, CONCURRENCY_POLICIES));
  const templatePath = path.child('jobTemplate');
  const template = spec.jobTemplate;
  errs.push(...validateLabels(template?.metadata?.labels, templatePath.child('labels')));
  errs.push(...validateAnnotations(template?.metadata?.annotations, templatePath.child('annotations')));
  errs.push(...validateJobSpec(template?.spec, templatePath.child('spec'), false));
  return errs;
}

export function validateCronJob(cronJob: CronJob): FieldError[] {
  const errs = validateObjectMeta(cronJob.metadata, true, nameIsDNSSubdomain);
  const name = cronJob.metadata?.name ?? '';
  if (name.length > MAX_CRONJOB_NAME_LENGTH) {
    errs.push(field.invalid(field.root('metadata', 'name'), name, `must be no more than ${MAX_CRONJOB_NAME_LENGTH} characters`));
  }
  return [...errs, ...validateCronJobSpec(cronJob)];
}

export function validateCronJobUpdate(cronJob: CronJob, old: CronJob): FieldError[] {
  return validateObjectMetaUpdate(cronJob.metadata, old.metadata);
}
