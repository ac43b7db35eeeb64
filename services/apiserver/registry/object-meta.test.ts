import { afterEach, describe, expect, it, vi } from 'vitest';
import { rfc3339 } from './object-meta.js';

describe('rfc3339', () => {
  afterEach(() => vi.useRealTimers());

  it('formats a given time at second precision', () => {
    expect(rfc3339(new Date('2026-12-06T12:34:56.789Z'))).toBe('2026-12-06T12:34:56Z');
  });

  it('follows the clock for the current time, second by second', () => {
    vi.useFakeTimers({ now: new Date('2026-12-06T12:00:00.900Z') });
    expect(rfc3339()).toBe('2026-12-06T12:00:00Z');
    vi.setSystemTime(new Date('2026-12-06T12:00:01.000Z'));
    expect(rfc3339()).toBe('2026-12-06T12:00:01Z');
    vi.setSystemTime(new Date('2026-12-06T11:59:59.000Z'));
    expect(rfc3339()).toBe('2026-12-06T11:59:59Z');
  });
});
