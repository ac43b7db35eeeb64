import type { HorizontalPodAutoscalerBehavior, HPAScalingRules } from './generated/index.js';

// Kubernetes' default scaling rules of an autoscaling/v2 HorizontalPodAutoscaler, shared by the
// apiserver's defaulting (a behavior given in part is completed) and the controller (a missing
// behavior acts as these). Scale up: no stabilization, at most double or add 4 pods (the larger)
// every 15 s. Scale down: the highest recommendation of the last 5 minutes, down to it at once.

const DEFAULT_SCALE_UP: Required<HPAScalingRules> = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Percent', value: 100, periodSeconds: 15 },
    { type: 'Pods', value: 4, periodSeconds: 15 },
  ],
};

const DEFAULT_SCALE_DOWN: Required<HPAScalingRules> = {
  stabilizationWindowSeconds: 300,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

function completeRules(rules: HPAScalingRules | undefined, defaults: Required<HPAScalingRules>, windowSeconds?: number): Required<HPAScalingRules> {
  return {
    stabilizationWindowSeconds: rules?.stabilizationWindowSeconds ?? windowSeconds ?? defaults.stabilizationWindowSeconds,
    selectPolicy: rules?.selectPolicy ?? defaults.selectPolicy,
    policies: rules?.policies?.length ? rules.policies : defaults.policies.map((p) => ({ ...p })),
  };
}

export interface CompleteBehavior {
  scaleUp: Required<HPAScalingRules>;
  scaleDown: Required<HPAScalingRules>;
}

/**
 * The behavior with every unset rule at its default. downscaleWindowSeconds replaces the default
 * scale-down window (the controller manager's --horizontal-pod-autoscaler-downscale-stabilization).
 */
export function completeBehavior(behavior: HorizontalPodAutoscalerBehavior | undefined, downscaleWindowSeconds?: number): CompleteBehavior {
  return {
    scaleUp: completeRules(behavior?.scaleUp, DEFAULT_SCALE_UP),
    scaleDown: completeRules(behavior?.scaleDown, DEFAULT_SCALE_DOWN, downscaleWindowSeconds),
  };
}
