import type { CronJob, Job, ObjectReference } from '../../../lib/api/generated/index.js';
import { formatTime } from '../../../lib/client/api-time.js';
import { newControllerRef, type OwnerKind } from '../common/controller-ref.js';

export const CRONJOB_KIND: OwnerKind = { kind: 'CronJob', apiVersion: 'batch/v1' };
const JOB_API_VERSION = 'batch/v1';

/** The time a Job was scheduled for, on every Job a CronJob creates (Kubernetes 1.28+). */
export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** `<cronjob>-<scheduled time in minutes since the epoch>`: the same name for the same run, so a retry cannot start it twice. */
export function jobName(cronJob: CronJob, scheduled: number): string {
  return `${cronJob.metadata?.name ?? ''}-${Math.floor(scheduled / 60_000)}`;
}

/** The Job for one scheduled run, from the CronJob's jobTemplate, owned by the CronJob. */
export function jobForSchedule(cronJob: CronJob, scheduled: number): Job {
  const template = cronJob.spec?.jobTemplate ?? {};
  return {
    metadata: {
      name: jobName(cronJob, scheduled),
      namespace: cronJob.metadata?.namespace ?? '',
      labels: { ...template.metadata?.labels },
      annotations: { ...template.metadata?.annotations, [SCHEDULED_TIMESTAMP_ANNOTATION]: formatTime(scheduled) },
      ownerReferences: [newControllerRef(cronJob, CRONJOB_KIND)],
    },
    spec: structuredClone(template.spec ?? {}),
  };
}

/** The reference status.active holds for a Job. */
export function jobReference(job: Job): ObjectReference {
  const meta = job.metadata ?? {};
  return { kind: 'Job', namespace: meta.namespace ?? '', name: meta.name ?? '', uid: meta.uid ?? '', apiVersion: JOB_API_VERSION, resourceVersion: meta.resourceVersion ?? '' };
}

