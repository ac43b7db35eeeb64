import type { Schedule } from '../../../lib/cron/schedule.js';

// Which scheduled time a CronJob should run now, as Kubernetes' mostRecentScheduleTime works it
// out: the latest scheduled time after the last one it ran (or its creation, or the starting
// deadline, whichever is later) that is not in the future, and roughly how many were missed.

/** More missed starts than this means a stopped controller or a skewed clock: Kubernetes warns. */
export const MANY_MISSED = 100;

export interface ScheduleDecision {
  /** The most recent due time not yet run, if any. */
  scheduled?: number;
  /** Scheduled times that passed since the earliest time considered (an estimate past a few). */
  missed: number;
}

export interface ScheduleWindow {
  /** metadata.creationTimestamp of the CronJob (ms). */
  created: number;
  /** status.lastScheduleTime (ms), if it ever ran. */
  lastScheduled?: number;
  startingDeadlineSeconds?: number;
}

export function mostRecentScheduleTime(window: ScheduleWindow, now: number, schedule: Schedule): ScheduleDecision {
  let earliest = window.lastScheduled ?? window.created;
  if (window.startingDeadlineSeconds !== undefined) earliest = Math.max(earliest, now - window.startingDeadlineSeconds * 1000);
  const t1 = schedule.next(earliest);
  if (t1 === undefined || t1 > now) return { missed: 0 };
  const t2 = schedule.next(t1);
  if (t2 === undefined || t2 > now) return { scheduled: t1, missed: 1 };
  // Counting every missed time could take forever after a long outage: estimate from the first
  // interval, then walk the last few so irregular schedules still land on a real time.
  const interval = t2 - t1;
  const missed = Math.floor((now - t1) / interval) + 1;
  let scheduled: number | undefined;
  for (let t = schedule.next(t1 + (missed - 2) * interval); t !== undefined && t <= now; t = schedule.next(t)) scheduled = t;
  return scheduled === undefined ? { missed } : { scheduled, missed };
}

