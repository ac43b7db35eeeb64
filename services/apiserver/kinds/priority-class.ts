import type { PriorityClass } from '../../../lib/api/generated/index.js';
import { defaultPriorityClass } from '../defaults/priority-class.js';
import { validatePriorityClass, validatePriorityClassUpdate } from '../validation/priority-class.js';
import type { KindStrategy } from './types.js';

export const priorityClassStrategy: KindStrategy<PriorityClass> = {
  defaults: defaultPriorityClass,
  validateCreate: validatePriorityClass,
  validateUpdate: validatePriorityClassUpdate,
  tracksGeneration: false,
};
