import type { HorizontalPodAutoscaler } from '../../../lib/api/generated/index.js';
import { completeBehavior } from '../../../lib/api/hpa-behavior.js';

/**
 * Kubernetes' autoscaling/v2 defaults: at least one replica, 80% average CPU utilization when no
 * metric is given, and a behavior given in part completed with the default rules (a missing
 * behavior stays missing: the controller applies the same defaults).
 */
export function defaultHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): void {
  hpa.spec ??= {};
  hpa.spec.minReplicas ??= 1;
  if (!hpa.spec.metrics?.length) hpa.spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  if (hpa.spec.behavior) hpa.spec.behavior = completeBehavior(hpa.spec.behavior);
}
