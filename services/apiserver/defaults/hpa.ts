import type { HorizontalPodAutoscaler } from '../../../lib/api/generated/index.js';

/** Kubernetes' SetDefaults_HorizontalPodAutoscaler: scale down to one replica at least. */
export function defaultHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): void {
  hpa.spec ??= {};
  hpa.spec.minReplicas ??= 1;
}
