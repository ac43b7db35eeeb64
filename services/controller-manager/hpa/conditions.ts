import type { HorizontalPodAutoscalerCondition } from '../../../lib/api/generated/index.js';

export type HpaConditionType = 'AbleToScale' | 'ScalingActive' | 'ScalingLimited';

/** Sets one condition, keeping its lastTransitionTime while its status stays the same (in Kubernetes' order of types). */
export function setCondition(
  conditions: HorizontalPodAutoscalerCondition[],
  type: HpaConditionType,
  status: boolean,
  reason: string,
  message: string,
  now: string,
): HorizontalPodAutoscalerCondition[] {
  const text = status ? 'True' : 'False';
  const old = conditions.find((c) => c.type === type);
  const next = { type, status: text, lastTransitionTime: old && old.status === text ? (old.lastTransitionTime ?? now) : now, reason, message };
  return old ? conditions.map((c) => (c === old ? next : c)) : [...conditions, next];
}
