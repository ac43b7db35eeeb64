import { lazyPackage } from '../lazy-package.js';

// CronJob schedules as Kubernetes reads them (robfig/cron's ParseStandard): five fields (minute,
// hour, day of month, month, day of week) or one of its descriptors, in a time zone. cron-parser
// does the arithmetic; this module holds it to the standard form, which rejects the seconds field
// and the Jenkins-style `H` that cron-parser would accept. cron-parser (and luxon under it, about
// 1 MB of heap) loads with the first schedule parsed: an apiserver that never sees a CronJob never
// needs it.

const cronParser = lazyPackage<typeof import('cron-parser')>('cron-parser');

const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export class InvalidScheduleError extends Error {
  override readonly name = 'InvalidScheduleError';
}

export interface Schedule {
  /** The first scheduled time strictly after `after` (ms since the epoch); undefined if there is none. */
  next(after: number): number | undefined;
}

/** Kubernetes' message for a time zone the platform does not know: `unknown time zone Foo/Bar`. */
export function timeZoneError(timeZone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return undefined;
  } catch {
    return `unknown time zone ${timeZone}`;
  }
}

function standardExpression(schedule: string): string {
  const trimmed = schedule.trim();
  if (trimmed.startsWith('@')) {
    const expanded = DESCRIPTORS[trimmed];
    if (!expanded) throw new InvalidScheduleError(`unrecognized descriptor: ${trimmed}`);
    return expanded;
  }
  const fields = trimmed.split(/\s+/).filter((f) => f.length > 0);
  if (fields.length !== 5) throw new InvalidScheduleError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  for (const f of fields) {
    if (/[hH]/.test(f.replace(/[a-zA-Z]{3}/g, ''))) throw new InvalidScheduleError(`failed to parse field: ${f}`);
  }
  return fields.join(' ');
}

/**
 * Parses a schedule in a time zone; without one, in the process' own zone, as Kubernetes reads a
 * CronJob without spec.timeZone in the controller manager's. Throws InvalidScheduleError with a
 * message fit for `spec.schedule: Invalid value`.
 */
export function parseSchedule(schedule: string, timeZone?: string): Schedule {
  const expression = standardExpression(schedule);
  const tz = timeZone || new Intl.DateTimeFormat().resolvedOptions().timeZone;
  const tzError = timeZoneError(tz);
  if (tzError) throw new InvalidScheduleError(tzError);
  try {
    // Parsing alone misses impossible dates (31 February), which only fail when iterated.
    cronParser().CronExpressionParser.parse(expression, { tz, currentDate: 0 }).next();
  } catch (err) {
    throw new InvalidScheduleError((err as Error).message);
  }
  return {
    next(after: number): number | undefined {
      try {
        return cronParser().CronExpressionParser.parse(expression, { tz, currentDate: after }).next().getTime();
      } catch {
        return undefined;
      }
    },
  };
}
