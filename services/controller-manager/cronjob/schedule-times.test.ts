import { beforeAll, describe, expect, it } from 'vitest';
import { parseSchedule } from '../../../lib/cron/schedule.js';
import { mostRecentScheduleTime } from './schedule-times.js';

beforeAll(() => {
  // The schedules here have no time zone: they are read in the process' zone.
  process.env.TZ = 'UTC';
});

const at = (iso: string): number => Date.parse(iso);
const everyMinute = parseSchedule('*/1 * * * *');
const hourly = parseSchedule('@hourly');

describe('mostRecentScheduleTime', () => {
  it('has nothing due before the first scheduled time', () => {
    expect(mostRecentScheduleTime({ created: at('2024-01-01T00:00:10Z') }, at('2024-01-01T00:00:50Z'), everyMinute)).toEqual({ missed: 0 });
  });

  it('runs the one time that came up since creation', () => {
    expect(mostRecentScheduleTime({ created: at('2024-01-01T00:00:10Z') }, at('2024-01-01T00:01:05Z'), everyMinute)).toEqual({ scheduled: at('2024-01-01T00:01:00Z'), missed: 1 });
  });

  it('counts from the last scheduled time and picks the latest of several missed', () => {
    const decision = mostRecentScheduleTime({ created: at('2023-01-01T00:00:00Z'), lastScheduled: at('2024-01-01T00:00:00Z') }, at('2024-01-01T05:30:00Z'), hourly);
    expect(decision).toEqual({ scheduled: at('2024-01-01T05:00:00Z'), missed: 5 });
  });

  it('estimates a long outage without walking every missed time', () => {
    const decision = mostRecentScheduleTime({ created: at('2020-01-01T00:00:00Z') }, at('2024-01-01T00:00:30Z'), everyMinute);
    expect(decision.scheduled).toBe(at('2024-01-01T00:00:00Z'));
    expect(decision.missed).toBeGreaterThan(2_000_000);
  });

  it('looks no further back than startingDeadlineSeconds', () => {
    const window = { created: at('2024-01-01T00:00:00Z'), startingDeadlineSeconds: 60 };
    expect(mostRecentScheduleTime(window, at('2024-01-01T01:30:00Z'), hourly)).toEqual({ missed: 0 });
    expect(mostRecentScheduleTime(window, at('2024-01-01T01:00:40Z'), hourly)).toEqual({ scheduled: at('2024-01-01T01:00:00Z'), missed: 1 });
  });
});
