import type { HPAScalingRules } from '../../../lib/api/generated/index.js';
import type { CompleteBehavior } from '../../../lib/api/hpa-behavior.js';

// Kubernetes' normalizeDesiredReplicasWithBehaviors: a recommendation is first stabilized (the
// lowest of the scale-up window's recommendations, the highest of the scale-down window's, so
// the count does not flap), then held to the rate the policies allow over their periods (given
// the scale events already made in them), then to [minReplicas, maxReplicas].

interface Recommendation {
  at: number;
  replicas: number;
}

interface ScaleEvent {
  at: number;
  change: number;
}

export type LimitReason = 'ScaleUpLimit' | 'ScaleDownLimit' | 'TooManyReplicas' | 'TooFewReplicas' | 'DesiredWithinRange';

export const LIMIT_MESSAGES: Record<LimitReason, string> = {
  ScaleUpLimit: 'the desired replica count is increasing faster than the maximum scale rate',
  ScaleDownLimit: 'the desired replica count is decreasing faster than the maximum scale rate',
  TooManyReplicas: 'the desired replica count is more than the maximum replica count',
  TooFewReplicas: 'the desired replica count is less than the minimum replica count',
  DesiredWithinRange: 'the desired count is within the acceptable range',
};

export interface NormalizeArgs {
  key: string;
  now: number;
  currentReplicas: number;
  /** What the metrics recommend. */
  desiredReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  behavior: CompleteBehavior;
}

export interface Normalized {
  replicas: number;
  /** True when the stabilization windows changed the recommendation. */
  stabilized: boolean;
  limit: LimitReason;
}

function changeWithin(events: ScaleEvent[], periodSeconds: number, now: number): number {
  const since = now - periodSeconds * 1000;
  return events.filter((e) => e.at > since).reduce((sum, e) => sum + e.change, 0);
}

/** The most replicas the scale-up policies allow now (Kubernetes' calculateScaleUpLimitWithScalingRules). */
export function scaleUpLimit(current: number, events: ScaleEvent[], rules: Required<HPAScalingRules>, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const proposals = rules.policies.map((policy) => {
    const periodStart = current - changeWithin(events, policy.periodSeconds ?? 0, now);
    return policy.type === 'Pods' ? periodStart + (policy.value ?? 0) : Math.ceil(periodStart * (1 + (policy.value ?? 0) / 100));
  });
  return rules.selectPolicy === 'Min' ? Math.min(...proposals) : Math.max(...proposals);
}

/** The fewest replicas the scale-down policies allow now (Kubernetes' calculateScaleDownLimitWithBehaviors). */
export function scaleDownLimit(current: number, events: ScaleEvent[], rules: Required<HPAScalingRules>, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const proposals = rules.policies.map((policy) => {
    const periodStart = current + changeWithin(events, policy.periodSeconds ?? 0, now);
    return policy.type === 'Pods' ? periodStart - (policy.value ?? 0) : Math.trunc(periodStart * (1 - (policy.value ?? 0) / 100));
  });
  // Min selects the policy that changes least: the highest floor.
  return rules.selectPolicy === 'Min' ? Math.max(...proposals) : Math.min(...proposals);
}

const longestPeriodMs = (rules: Required<HPAScalingRules>): number => Math.max(0, ...rules.policies.map((p) => p.periodSeconds ?? 0)) * 1000;

/** The recommendation and scale-event history of every autoscaler, kept in memory as Kubernetes keeps it. */
export class ScalingHistory {
  private readonly recommendations = new Map<string, Recommendation[]>();
  private readonly upEvents = new Map<string, ScaleEvent[]>();
  private readonly downEvents = new Map<string, ScaleEvent[]>();

  normalize(args: NormalizeArgs): Normalized {
    const stabilizedReplicas = this.stabilize(args);
    const { replicas, limit } = this.limitRate(args, stabilizedReplicas);
    return { replicas, stabilized: stabilizedReplicas !== args.desiredReplicas, limit };
  }

  /** Notes a rescale, whose size the policies count against their periods. */
  recordScale(key: string, behavior: CompleteBehavior, from: number, to: number, now: number): void {
    const [map, rules] = to > from ? [this.upEvents, behavior.scaleUp] : [this.downEvents, behavior.scaleDown];
    const kept = (map.get(key) ?? []).filter((e) => e.at > now - longestPeriodMs(rules));
    kept.push({ at: now, change: Math.abs(to - from) });
    map.set(key, kept);
  }

  forget(key: string): void {
    this.recommendations.delete(key);
    this.upEvents.delete(key);
    this.downEvents.delete(key);
  }

  private stabilize(args: NormalizeArgs): number {
    const upCutoff = args.now - (args.behavior.scaleUp.stabilizationWindowSeconds ?? 0) * 1000;
    const downCutoff = args.now - (args.behavior.scaleDown.stabilizationWindowSeconds ?? 0) * 1000;
    let up = args.desiredReplicas;
    let down = args.desiredReplicas;
    const history = this.recommendations.get(args.key) ?? [];
    for (const r of history) {
      if (r.at > upCutoff) up = Math.min(up, r.replicas);
      if (r.at > downCutoff) down = Math.max(down, r.replicas);
    }
    const kept = history.filter((r) => r.at > Math.min(upCutoff, downCutoff));
    kept.push({ at: args.now, replicas: args.desiredReplicas });
    this.recommendations.set(args.key, kept);
    return Math.min(Math.max(args.currentReplicas, up), down);
  }

  private limitRate(args: NormalizeArgs, desired: number): { replicas: number; limit: LimitReason } {
    const { currentReplicas: current, behavior, now } = args;
    if (desired > current) {
      const rate = Math.max(current, scaleUpLimit(current, this.upEvents.get(args.key) ?? [], behavior.scaleUp, now));
      const [allowed, limit]: [number, LimitReason] = args.maxReplicas > rate ? [rate, 'ScaleUpLimit'] : [args.maxReplicas, 'TooManyReplicas'];
      return desired > allowed ? { replicas: allowed, limit } : { replicas: desired, limit: 'DesiredWithinRange' };
    }
    if (desired < current) {
      const rate = Math.min(current, scaleDownLimit(current, this.downEvents.get(args.key) ?? [], behavior.scaleDown, now));
      const [allowed, limit]: [number, LimitReason] = args.minReplicas < rate ? [rate, 'ScaleDownLimit'] : [args.minReplicas, 'TooFewReplicas'];
      return desired < allowed ? { replicas: allowed, limit } : { replicas: desired, limit: 'DesiredWithinRange' };
    }
    return { replicas: desired, limit: 'DesiredWithinRange' };
  }
}
