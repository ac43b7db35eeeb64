import { describe, expect, it } from 'vitest';
import { completeBehavior } from '../../../lib/api/hpa-behavior.js';
import type { HorizontalPodAutoscalerBehavior } from '../../../lib/api/generated/index.js';
import { scaleDownLimit, scaleUpLimit, ScalingHistory, type NormalizeArgs } from './scaling-behavior.js';

const T0 = 1_000_000;
const args = (over: Partial<NormalizeArgs>, behavior?: HorizontalPodAutoscalerBehavior): NormalizeArgs => ({
  key: 'default/web',
  now: T0,
  currentReplicas: 4,
  desiredReplicas: 4,
  minReplicas: 1,
  maxReplicas: 100,
  behavior: completeBehavior(behavior),
  ...over,
});

describe('scaling policies', () => {
  const { scaleUp, scaleDown } = completeBehavior(undefined);
  it.each([
    // current, events (seconds ago, change), want: the default scale up allows max(double, +4) per 15 s
    [1, [], 5],
    [10, [], 20],
    [10, [[5, 5]], 10],
    [10, [[20, 5]], 20],
  ] as [number, [number, number][], number][])('scale up from %d with events %j allows %d', (current, events, want) => {
    expect(scaleUpLimit(current, events.map(([ago, change]) => ({ at: T0 - ago * 1000, change })), scaleUp, T0)).toBe(want);
  });

  it('selects among policies by selectPolicy, or not at all when Disabled', () => {
    const rules = { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }, { type: 'Percent', value: 50, periodSeconds: 60 }] };
    expect(scaleUpLimit(10, [], { ...rules, selectPolicy: 'Max' }, T0)).toBe(15);
    expect(scaleUpLimit(10, [], { ...rules, selectPolicy: 'Min' }, T0)).toBe(12);
    expect(scaleUpLimit(10, [], { ...rules, selectPolicy: 'Disabled' }, T0)).toBe(10);
    expect(scaleDownLimit(10, [], { ...rules, selectPolicy: 'Max' }, T0)).toBe(5);
    expect(scaleDownLimit(10, [], { ...rules, selectPolicy: 'Min' }, T0)).toBe(8);
    expect(scaleDownLimit(10, [{ at: T0 - 10_000, change: 2 }], { ...rules, selectPolicy: 'Min' }, T0)).toBe(10);
    expect(scaleDownLimit(10, [], scaleDown, T0)).toBe(0);
  });
});

describe('ScalingHistory', () => {
  it('holds a scale down for the stabilization window, then takes it', () => {
    const history = new ScalingHistory();
    expect(history.normalize(args({ desiredReplicas: 8 }))).toEqual({ replicas: 8, stabilized: false, limit: 'DesiredWithinRange' });
    // Usage fell: the 5 minute window still holds the recommendation of 8.
    expect(history.normalize(args({ now: T0 + 60_000, currentReplicas: 8, desiredReplicas: 2 }))).toEqual({ replicas: 8, stabilized: true, limit: 'DesiredWithinRange' });
    expect(history.normalize(args({ now: T0 + 301_000, currentReplicas: 8, desiredReplicas: 2 }))).toEqual({ replicas: 2, stabilized: false, limit: 'DesiredWithinRange' });
  });

  it('uses a shorter window when told to (the --horizontal-pod-autoscaler-downscale-stabilization flag)', () => {
    const history = new ScalingHistory();
    const behavior = completeBehavior(undefined, 0);
    history.normalize({ ...args({ desiredReplicas: 8 }), behavior });
    expect(history.normalize({ ...args({ now: T0 + 1000, currentReplicas: 8, desiredReplicas: 2 }), behavior }).replicas).toBe(2);
  });

  it('holds a scale up for its own window', () => {
    const history = new ScalingHistory();
    const behavior = { scaleUp: { stabilizationWindowSeconds: 60 } };
    history.normalize(args({ desiredReplicas: 4 }, behavior));
    expect(history.normalize(args({ now: T0 + 30_000, desiredReplicas: 7 }, behavior))).toMatchObject({ replicas: 4, stabilized: true });
    expect(history.normalize(args({ now: T0 + 61_000, desiredReplicas: 7 }, behavior))).toMatchObject({ replicas: 7, stabilized: false });
  });

  it('limits the rate by the scale events in each policy period', () => {
    const history = new ScalingHistory();
    const behavior = completeBehavior(undefined);
    expect(history.normalize(args({ currentReplicas: 2, desiredReplicas: 20 }))).toEqual({ replicas: 6, stabilized: false, limit: 'ScaleUpLimit' });
    history.recordScale('default/web', behavior, 2, 6, T0);
    // Within the same 15 s the budget is counted from the 2 replicas the period started with.
    expect(history.normalize(args({ now: T0 + 5000, currentReplicas: 6, desiredReplicas: 20 })).replicas).toBe(6);
    expect(history.normalize(args({ now: T0 + 16_000, currentReplicas: 6, desiredReplicas: 20 })).replicas).toBe(12);
  });

  it('clamps to the bounds with their reasons', () => {
    expect(new ScalingHistory().normalize(args({ currentReplicas: 4, desiredReplicas: 7, maxReplicas: 5 }))).toMatchObject({ replicas: 5, limit: 'TooManyReplicas' });
    expect(new ScalingHistory().normalize(args({ desiredReplicas: 1, minReplicas: 3 }, { scaleDown: { stabilizationWindowSeconds: 0 } }))).toMatchObject({ replicas: 3, limit: 'TooFewReplicas' });
    expect(new ScalingHistory().normalize(args({ desiredReplicas: 1 }, { scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } }))).toMatchObject({
      replicas: 3,
      limit: 'ScaleDownLimit',
    });
  });
});
