import type { CronJob, Job } from '../../../lib/api/generated/index.js';
import { defaultCronJob, defaultJob } from '../defaults/batch.js';
import { validateCronJob, validateCronJobUpdate, validateJob, validateJobStatus, validateJobUpdate } from '../validation/batch.js';
import { validateStatusMetadata } from './status.js';
import type { KindStrategy } from './types.js';

export const jobStrategy: KindStrategy<Job> = {
  defaults: defaultJob,
  validateCreate: validateJob,
  validateUpdate: validateJobUpdate,
  status: {
    initial: () => ({}),
    validateUpdate: (job, old) => [...validateStatusMetadata(job, old), ...validateJobStatus(job.status)],
  },
  tracksGeneration: true,
};

export const cronJobStrategy: KindStrategy<CronJob> = {
  defaults: defaultCronJob,
  validateCreate: validateCronJob,
  validateUpdate: validateCronJobUpdate,
  status: {
    initial: () => ({}),
    validateUpdate: (cronJob, old) => validateStatusMetadata(cronJob, old),
  },
  tracksGeneration: true,
};
