import type { HorizontalPodAutoscaler } from '../../../lib/api/generated/index.js';
import { defaultHorizontalPodAutoscaler } from '../defaults/hpa.js';
import {
  validateHorizontalPodAutoscaler,
  validateHorizontalPodAutoscalerStatusUpdate,
  validateHorizontalPodAutoscalerUpdate,
} from '../validation/hpa.js';
import type { KindStrategy } from './types.js';

export const horizontalPodAutoscalerStrategy: KindStrategy<HorizontalPodAutoscaler> = {
  defaults: defaultHorizontalPodAutoscaler,
  validateCreate: validateHorizontalPodAutoscaler,
  validateUpdate: validateHorizontalPodAutoscalerUpdate,
  status: { initial: () => ({}), validateUpdate: validateHorizontalPodAutoscalerStatusUpdate },
  tracksGeneration: true,
};
