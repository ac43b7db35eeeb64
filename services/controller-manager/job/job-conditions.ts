import type { Condition, Job } from '../../../lib/api/generated/index.js';
import { formatTime } from '../../../lib/client/api-time.js';

// A Job's conditions as Kubernetes sets them: Complete and Failed end it; Suspended is True while
// spec.suspend holds (and False, JobResumed, after).

export type FinishedType = 'Complete' | 'Failed';

export interface FinishedCondition {
  type: FinishedType;
  reason: string;
  message: string;
}

export const BACKOFF_LIMIT_EXCEEDED: FinishedCondition = { type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
export const DEADLINE_EXCEEDED: FinishedCondition = { type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
export const COMPLETED: FinishedCondition = { type: 'Complete', reason: 'Completed', message: 'Job completed' };

export function findCondition(job: Job, type: string): Condition | undefined {
  return job.status?.conditions?.find((c) => c.type === type);
}

/** The Complete or Failed condition that ended the Job, if it has ended. */
export function finishedCondition(job: Job): Condition | undefined {
  return job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

/**
 * The conditions with `type` set to status/reason/message; the transition time moves only when
 * the status does. Returns undefined when nothing changes.
 */
export function withCondition(conditions: readonly Condition[], type: string, status: 'True' | 'False', reason: string, message: string, now: number): Condition[] | undefined {
  const current = conditions.find((c) => c.type === type);
  if (current?.status === status && current.reason === reason && current.message === message) return undefined;
  const at = formatTime(now);
  const next: Condition = {
    type,
    status,
    reason,
    message,
    lastProbeTime: at,
    lastTransitionTime: current?.status === status ? (current.lastTransitionTime ?? at) : at,
  };
  return current ? conditions.map((c) => (c === current ? next : c)) : [...conditions, next];
}
