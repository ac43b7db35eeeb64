import { describe, expect, it } from 'vitest';
import { age, humanDuration } from './duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration', () => {
  it.each([
    [-2 * s, '<invalid>'],
    [-2 * s + 1, '0s'],
    [0, '0s'],
    [999, '0s'],
    [5 * s, '5s'],
    [70 * s, '70s'],
    [2 * m - 1, '119s'],
    [2 * m, '2m'],
    [2 * m + s, '2m1s'],
    [3 * m + 25 * s, '3m25s'],
    [10 * m - 1, '9m59s'],
    [10 * m, '10m'],
    [10 * m + s, '10m'],
    [70 * m, '70m'],
    [3 * h - 1, '179m'],
    [3 * h, '3h'],
    [3 * h + m, '3h1m'],
    [8 * h - 1, '7h59m'],
    [8 * h + 59 * m, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [49 * h, '2d1h'],
    [8 * d - 1, '7d23h'],
    [8 * d + 23 * h, '8d'],
    [367 * d, '367d'],
    [2 * 365 * d - 1, '729d'],
    [2 * 365 * d, '2y'],
    [2 * 365 * d + 25 * h, '2y1d'],
    [8 * 365 * d - 1, '7y364d'],
    [8 * 365 * d + 2 * h, '8y'],
    [9 * 365 * d, '9y'],
  ])('%d ms → %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});

describe('age', () => {
  const now = Date.parse('2024-05-10T12:00:00Z');

  it('prints the time since the timestamp', () => {
    expect(age('2024-05-10T11:56:35Z', now)).toBe('3m25s');
    expect(age('2024-05-08T12:00:00Z', new Date(now))).toBe('2d');
  });

  it('prints <unknown> for a missing or unparsable timestamp', () => {
    expect(age(undefined, now)).toBe('<unknown>');
    expect(age('', now)).toBe('<unknown>');
    expect(age('yesterday', now)).toBe('<unknown>');
  });
});
