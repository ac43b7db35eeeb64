import { describe, expect, it } from 'vitest';
import { Backoff, formatGoDuration } from './backoff.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('Backoff', () => {
  it('starts at 10 s and doubles up to 5 min', () => {
    const c = clock();
    const b = new Backoff({ now: c.now });
    const seen: number[] = [];
    for (let i = 0; i < 7; i++) {
      b.next('k', c.now());
      seen.push(b.get('k'));
      c.advance(1000);
    }
    expect(seen).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it('is in backoff for the window after the event, then not', () => {
    const c = clock();
    const b = new Backoff({ now: c.now });
    const exitedAt = c.now();
    b.next('k', exitedAt);
    expect(b.isInBackOffSince('k', exitedAt)).toBe(true);
    expect(b.remainingSince('k', exitedAt)).toBe(10_000);
    c.advance(9_999);
    expect(b.isInBackOffSince('k', exitedAt)).toBe(true);
    c.advance(1);
    expect(b.isInBackOffSince('k', exitedAt)).toBe(false);
  });

  it('starts over when the last failure is more than twice the maximum old', () => {
    const c = clock();
    const b = new Backoff({ now: c.now });
    b.next('k', c.now());
    b.next('k', c.now());
    expect(b.get('k')).toBe(20_000);
    c.advance(600_001);
    expect(b.isInBackOffSince('k', c.now())).toBe(false);
    b.next('k', c.now());
    expect(b.get('k')).toBe(10_000);
  });

  it('tracks the window since the last update for image pulls', () => {
    const c = clock();
    const b = new Backoff({ now: c.now });
    expect(b.isInBackOffSinceUpdate('img')).toBe(false);
    b.next('img');
    expect(b.isInBackOffSinceUpdate('img')).toBe(true);
    c.advance(10_000);
    expect(b.isInBackOffSinceUpdate('img')).toBe(false);
  });

  it('forgets stale entries on gc', () => {
    const c = clock();
    const b = new Backoff({ now: c.now });
    b.next('old');
    c.advance(700_000);
    b.next('new');
    b.gc();
    expect(b.get('old')).toBe(0);
    expect(b.get('new')).toBe(10_000);
  });
});

describe('formatGoDuration', () => {
  it.each([
    [10_000, '10s'],
    [80_000, '1m20s'],
    [160_000, '2m40s'],
    [300_000, '5m0s'],
    [1_500, '1.5s'],
    [3_600_000, '1h0m0s'],
    [250, '250ms'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });
});
