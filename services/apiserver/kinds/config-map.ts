import type { ConfigMap } from '../../../lib/api/generated/index.js';
import { validateConfigMap, validateConfigMapUpdate } from '../validation/config.js';
import type { KindStrategy } from './types.js';

export const configMapStrategy: KindStrategy<ConfigMap> = {
  validateCreate: validateConfigMap,
  validateUpdate: validateConfigMapUpdate,
  tracksGeneration: false,
};
