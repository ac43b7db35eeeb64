import type { PodDisruptionBudget } from '../../../lib/api/generated/index.js';
import { validatePodDisruptionBudget, validatePodDisruptionBudgetStatusUpdate, validatePodDisruptionBudgetUpdate } from '../validation/policy.js';
import type { KindStrategy } from './types.js';

export const podDisruptionBudgetStrategy: KindStrategy<PodDisruptionBudget> = {
  validateCreate: validatePodDisruptionBudget,
  validateUpdate: validatePodDisruptionBudgetUpdate,
  // A new budget allows nothing until the disruption controller has counted its pods.
  status: {
    initial: () => ({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }),
    validateUpdate: validatePodDisruptionBudgetStatusUpdate,
  },
  tracksGeneration: true,
};
