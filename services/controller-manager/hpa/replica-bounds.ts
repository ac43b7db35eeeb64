import type { HorizontalPodAutoscaler } from '../../../lib/api/generated/index.js';

interface ScaleDecision {
  desired: number;
  /** Why the replica count changes; undefined when it stays. */
  reason?: string;
}

/**
 * What an autoscaling/v1 HPA can decide without a metrics API: keep the target within
 * [minReplicas, maxReplicas] (Kubernetes' messages), leave a target scaled to zero alone (scaling
 * is disabled then), and otherwise keep the current count.
 */
export function boundedReplicas(hpa: HorizontalPodAutoscaler, current: number): ScaleDecision {
  const min = hpa.spec?.minReplicas ?? 1;
  const max = hpa.spec?.maxReplicas ?? 0;
  if (current === 0 && min !== 0) return { desired: 0 };
  if (current > max) return { desired: max, reason: 'Current number of replicas above Spec.MaxReplicas' };
  if (current < min) return { desired: min, reason: 'Current number of replicas below Spec.MinReplicas' };
  return { desired: current };
}
