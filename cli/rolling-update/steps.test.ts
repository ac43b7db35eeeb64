import { describe, expect, it } from 'vitest';
import { fenceposts, isPodAvailable, scaleDownTarget, scaleUpTarget } from './steps.js';

/** Drives the step functions the way the updater does, with every new pod available at once. */
function simulate(oldReplicas: number, desired: number): string[] {
  const f = fenceposts(desired, oldReplicas);
  const log: string[] = [];
  let next = 0;
  let old = oldReplicas;
  for (let i = 0; i < 100 && (next !== desired || old !== 0); i++) {
    const up = scaleUpTarget(next, old, f);
    if (up !== undefined) log.push(`new up to ${(next = up)}`);
    const down = scaleDownTarget(next, old, next, f);
    if (down !== undefined) log.push(`old down to ${(old = down)}`);
  }
  return log;
}

describe('rolling update steps', () => {
  it('replaces one pod at a time, never below the desired count nor above it plus one', () => {
    expect(fenceposts(2, 2)).toEqual({ desired: 2, maxSurge: 1, maxUnavailable: 0, minAvailable: 2 });
    expect(simulate(2, 2)).toEqual(['new up to 1', 'old down to 1', 'new up to 2', 'old down to 0']);
    expect(simulate(5, 5)).toHaveLength(10);
  });

  it('scales the old controller all the way down once the new one is complete and available', () => {
    const f = fenceposts(3, 1);
    expect(scaleDownTarget(3, 1, 3, f)).toBe(0);
    expect(scaleUpTarget(0, 0, f)).toBe(3);
  });

  it('waits while new pods are not yet available', () => {
    const f = fenceposts(2, 2);
    expect(scaleUpTarget(1, 2, f)).toBeUndefined();
    expect(scaleDownTarget(1, 2, 0, f)).toBeUndefined();
    expect(scaleDownTarget(1, 2, 1, f)).toBe(1);
  });

  it('handles a new size of zero', () => {
    expect(fenceposts(0, 3)).toEqual({ desired: 0, maxSurge: 1, maxUnavailable: 3, minAvailable: 0 });
    expect(simulate(3, 0)).toEqual(['old down to 0']);
  });

  it('counts ready pods that are not being deleted', () => {
    const now = Date.parse('2024-05-10T12:00:10Z');
    const ready = { status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-05-10T12:00:00Z' }] } };
    expect(isPodAvailable(ready, 0, now)).toBe(true);
    expect(isPodAvailable(ready, 30, now)).toBe(false);
    expect(isPodAvailable({ ...ready, metadata: { deletionTimestamp: '2024-05-10T12:00:05Z' } }, 0, now)).toBe(false);
    expect(isPodAvailable({ status: { conditions: [{ type: 'Ready', status: 'False' }] } }, 0, now)).toBe(false);
  });
});
