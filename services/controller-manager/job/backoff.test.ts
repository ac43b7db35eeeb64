import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import { MAX_BACKOFF_MS, podFinishedAt, remainingBackoffMs } from './backoff.js';

const now = Date.parse('2024-05-10T12:00:00Z');
const at = (msAgo: number): string => new Date(now - msAgo).toISOString();

function finished(phase: 'Succeeded' | 'Failed', msAgo: number): Pod {
  return { metadata: { creationTimestamp: at(msAgo + 5_000) }, status: { phase, containerStatuses: [{ name: 'c', state: { terminated: { exitCode: phase === 'Failed' ? 1 : 0, finishedAt: at(msAgo) } } }] } };
}

describe('remainingBackoffMs', () => {
  it('does not wait without failures', () => {
    expect(remainingBackoffMs([finished('Succeeded', 1_000)], now, 10_000)).toBe(0);
  });

  it.each([
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [7, MAX_BACKOFF_MS],
  ])('after %i failures waits %i ms from the last one', (count, delay) => {
    const pods = Array.from({ length: count }, (_, i) => finished('Failed', 1_000 + i * 100));
    expect(remainingBackoffMs(pods, now, 10_000)).toBe(delay - 1_000);
  });

  it('counts only failures after the last success, and scales with the base', () => {
    const pods = [finished('Failed', 9_000), finished('Succeeded', 5_000), finished('Failed', 2_000)];
    expect(remainingBackoffMs(pods, now, 10_000)).toBe(8_000);
    expect(remainingBackoffMs(pods, now, 100)).toBe(0);
  });

  it('reads the finish time from the containers, then the Ready condition, then creation', () => {
    expect(podFinishedAt(finished('Failed', 3_000))).toBe(now - 3_000);
    expect(podFinishedAt({ status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: at(4_000) }] } })).toBe(now - 4_000);
    expect(podFinishedAt({ metadata: { creationTimestamp: at(6_000) } })).toBe(now - 6_000);
  });
});
