import { describe, expect, it } from 'vitest';
import { addSeconds, formatMicroTime, formatTime, parseTime } from './api-time.js';

describe('API timestamps', () => {
  const ms = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

  it('formats metav1.Time with whole seconds', () => {
    expect(formatTime(ms)).toBe('2024-01-02T03:04:05Z');
  });

  it('formats metav1.MicroTime with six fractional digits', () => {
    expect(formatMicroTime(ms + 0.9)).toBe('2024-01-02T03:04:05.678900Z');
    expect(formatMicroTime()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  });

  it('parses both, and offsets', () => {
    expect(parseTime('2024-01-02T03:04:05Z')).toBe(ms - 678);
    expect(parseTime('2024-01-02T03:04:05.678000Z')).toBe(ms);
    expect(parseTime('2024-01-02T04:04:05+01:00')).toBe(ms - 678);
    expect(parseTime('')).toBeNaN();
    expect(parseTime('yesterday')).toBeNaN();
  });

  it('adds seconds up to the last time RFC3339 can write, whatever the size', () => {
    expect(formatTime(addSeconds(ms, 30))).toBe('2024-01-02T03:04:35Z');
    expect(formatTime(addSeconds(ms, Number.MAX_SAFE_INTEGER))).toBe('9999-12-31T23:59:59Z');
    expect(formatTime(addSeconds(ms, -5))).toBe(formatTime(ms));
  });
});
