import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidScheduleError, parseSchedule, timeZoneError } from './schedule.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string => new Date(ms ?? NaN).toISOString();

beforeAll(() => {
  // Schedules without a time zone are read in the process' zone.
  process.env.TZ = 'UTC';
});

describe('parseSchedule', () => {
  it.each([
    ['*/1 * * * *', undefined, '2024-01-01T00:00:30Z', '2024-01-01T00:01:00.000Z'],
    ['*/15 * * * *', undefined, '2024-01-01T00:15:00Z', '2024-01-01T00:30:00.000Z'],
    ['@hourly', undefined, '2024-01-01T00:00:30Z', '2024-01-01T01:00:00.000Z'],
    ['@daily', undefined, '2024-01-01T00:00:30Z', '2024-01-02T00:00:00.000Z'],
    ['@midnight', undefined, '2024-01-01T00:00:30Z', '2024-01-02T00:00:00.000Z'],
    ['@weekly', undefined, '2024-01-01T00:00:30Z', '2024-01-07T00:00:00.000Z'],
    ['@monthly', undefined, '2024-01-01T00:00:30Z', '2024-02-01T00:00:00.000Z'],
    ['@yearly', undefined, '2024-01-01T00:00:30Z', '2025-01-01T00:00:00.000Z'],
    ['0 9 * * mon-fri', undefined, '2024-01-06T10:00:00Z', '2024-01-08T09:00:00.000Z'],
    ['0 9 * * *', 'America/New_York', '2024-06-01T00:00:00Z', '2024-06-01T13:00:00.000Z'],
  ])('%s in %s after %s is %s', (schedule, tz, after, next) => {
    expect(iso(parseSchedule(schedule, tz).next(at(after)))).toBe(next);
  });

  it.each([
    ['bad', 'expected exactly 5 fields, found 1: [bad]'],
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['0 * * * * *', 'expected exactly 5 fields, found 6: [0 * * * * *]'],
    ['@every-day', 'unrecognized descriptor: @every-day'],
    ['61 * * * *', 'Constraint error, got value 61 expected range 0-59'],
    ['H * * * *', 'failed to parse field: H'],
    ['0 0 31 2 *', 'Invalid explicit day of month definition'],
  ])('rejects %s: %s', (schedule, message) => {
    expect(() => parseSchedule(schedule)).toThrow(new InvalidScheduleError(message));
  });

  it('reads a schedule without a time zone in the process zone', () => {
    process.env.TZ = 'Asia/Tokyo';
    try {
      expect(iso(parseSchedule('0 9 * * *').next(at('2024-06-01T00:00:00Z')))).toBe('2024-06-02T00:00:00.000Z');
    } finally {
      process.env.TZ = 'UTC';
    }
  });

  it('rejects an unknown time zone', () => {
    expect(() => parseSchedule('* * * * *', 'Mars/Olympus')).toThrow('unknown time zone Mars/Olympus');
    expect(timeZoneError('Europe/Berlin')).toBeUndefined();
  });
});
