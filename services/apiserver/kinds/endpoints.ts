import type { Endpoints } from '../../../lib/api/generated/index.js';
import { defaultEndpoints } from '../defaults/service.js';
import { validateEndpoints, validateEndpointsUpdate } from '../validation/service.js';
import type { KindStrategy } from './types.js';

export const endpointsStrategy: KindStrategy<Endpoints> = {
  defaults: defaultEndpoints,
  validateCreate: validateEndpoints,
  validateUpdate: validateEndpointsUpdate,
  tracksGeneration: false,
};
