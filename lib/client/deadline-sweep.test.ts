import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { DeadlineSweep, type Cancellable } from './deadline-sweep.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A call that records the status it was cancelled with. */
function call(): Cancellable & { cancelled: [grpc.status, string] | undefined } {
  return {
    cancelled: undefined,
    cancelWithStatus(code, details) {
      this.cancelled = [code, details];
    },
  };
}

it('cancels each call at its own deadline, a shorter one tracked after a longer one included', () => {
  const sweep = new DeadlineSweep();
  const slow = call();
  const fast = call();
  sweep.track(slow, Date.now() + 30_000);
  sweep.track(fast, Date.now() + 100);
  vi.advanceTimersByTime(99);
  expect(fast.cancelled).toBeUndefined();
  vi.advanceTimersByTime(1);
  expect(fast.cancelled).toEqual([grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded']);
  expect(slow.cancelled).toBeUndefined();
  vi.advanceTimersByTime(29_899);
  expect(slow.cancelled).toBeUndefined();
  vi.advanceTimersByTime(1);
  expect(slow.cancelled?.[0]).toBe(grpc.status.DEADLINE_EXCEEDED);
  expect(sweep.size).toBe(0);
});

it('leaves a call forgotten before its deadline alone, and needs no timer once nothing is tracked', () => {
  const sweep = new DeadlineSweep();
  const done = call();
  const pending = call();
  sweep.track(done, Date.now() + 100);
  sweep.track(pending, Date.now() + 200);
  sweep.forget(done);
  vi.advanceTimersByTime(200);
  expect(done.cancelled).toBeUndefined();
  expect(pending.cancelled?.[0]).toBe(grpc.status.DEADLINE_EXCEEDED);
  expect(vi.getTimerCount()).toBe(0);
});

it('cancels a call whose deadline has passed already on the next turn of the timers', () => {
  const sweep = new DeadlineSweep();
  const late = call();
  sweep.track(late, Date.now() - 1);
  expect(late.cancelled).toBeUndefined();
  vi.advanceTimersByTime(0);
  expect(late.cancelled?.[0]).toBe(grpc.status.DEADLINE_EXCEEDED);
});

it('keeps a deadline beyond the longest timer, firing on it only when it comes', () => {
  const sweep = new DeadlineSweep();
  const far = call();
  sweep.track(far, Date.now() + 2 ** 31 + 5_000);
  vi.advanceTimersByTime(2 ** 31 - 1);
  expect(far.cancelled).toBeUndefined();
  vi.advanceTimersByTime(5_001);
  expect(far.cancelled?.[0]).toBe(grpc.status.DEADLINE_EXCEEDED);
});
