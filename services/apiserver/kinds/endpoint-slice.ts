import type { EndpointSlice } from '../../../lib/api/generated/index.js';
import { defaultEndpointSlice } from '../defaults/discovery.js';
import { validateEndpointSlice, validateEndpointSliceUpdate } from '../validation/discovery.js';
import type { KindStrategy } from './types.js';

export const endpointSliceStrategy: KindStrategy<EndpointSlice> = {
  defaults: defaultEndpointSlice,
  validateCreate: validateEndpointSlice,
  validateUpdate: validateEndpointSliceUpdate,
  tracksGeneration: true,
};
