import { describe, expect, it } from 'vitest';
import type { AnyObject } from '../../../lib/api/resources.js';
import { CacheEvent } from './cache-event.js';
import { EventWindow } from './event-window.js';
import { cachedPod } from './test-support.js';

const obj = cachedPod({ metadata: { name: 'a' } } as AnyObject, 1);
const ev = (revision: number, at = 0): CacheEvent => new CacheEvent('MODIFIED', `/k/${revision}`, '', obj, obj, revision, at);

describe('EventWindow', () => {
  it('returns the events after a revision, in order, across wrap-around', () => {
    const w = new EventWindow({ minEvents: 4, maxEvents: 4, freshMs: 0 });
    w.reset(10);
    for (let r = 11; r <= 20; r++) w.push(ev(r));
    expect(w.size).toBe(4);
    expect(w.oldestResumable).toBe(16);
    expect(w.since(16).map((e) => e.revision)).toEqual([17, 18, 19, 20]);
    expect(w.since(18).map((e) => e.revision)).toEqual([19, 20]);
    expect(w.since(20)).toEqual([]);
  });

  it('keeps fresh events beyond the minimum, up to the maximum', () => {
    const w = new EventWindow({ minEvents: 2, maxEvents: 5, freshMs: 1_000 });
    w.reset(0);
    for (let r = 1; r <= 4; r++) w.push(ev(r, 100));
    expect(w.size).toBe(4);
    expect(w.oldestResumable).toBe(0);
    for (let r = 5; r <= 8; r++) w.push(ev(r, 200));
    expect(w.size).toBe(5);
    expect(w.oldestResumable).toBe(3);
    w.push(ev(9, 5_000));
    // everything older than a second goes, but never below the minimum
    expect(w.since(0).map((e) => e.revision)).toEqual([8, 9]);
    expect(w.oldestResumable).toBe(7);
  });

  it('keeps a revision whole while it arrives and drops it whole, remembering whether it held several events', () => {
    const w = new EventWindow({ minEvents: 2, maxEvents: 2, freshMs: 0 });
    w.reset(10);
    for (const r of [11, 12, 12, 12]) w.push(ev(r));
    // beyond the maximum: the revision arriving is not cut
    expect(w.since(0).map((e) => e.revision)).toEqual([12, 12, 12]);
    expect(w.oldestResumable).toBe(11);
    expect(w.oldestResumableShared).toBe(false);
    expect(w.at(12)).toHaveLength(3);
    w.push(ev(13));
    expect(w.since(0).map((e) => e.revision)).toEqual([13]);
    expect(w.oldestResumable).toBe(12);
    expect(w.oldestResumableShared).toBe(true);
    expect(w.at(12)).toEqual([]);
    w.push(ev(14));
    w.push(ev(15));
    expect(w.oldestResumable).toBe(13);
    expect(w.oldestResumableShared).toBe(false);
  });

  it('resets to an empty window at a revision', () => {
    const w = new EventWindow({ minEvents: 3, maxEvents: 3, freshMs: 0 });
    w.push(ev(1));
    w.reset(50);
    expect(w.size).toBe(0);
    expect(w.oldestResumable).toBe(50);
    expect(w.since(0)).toEqual([]);
  });
});
