import type { Service } from '../../../lib/api/generated/index.js';
import { defaultService } from '../defaults/service.js';
import { prepareServiceUpdate } from './service-update.js';
import { validateService, validateServiceStatusUpdate, validateServiceUpdate } from '../validation/service.js';
import type { KindStrategy } from './types.js';

export const serviceStrategy: KindStrategy<Service> = {
  defaults: defaultService,
  validateCreate: validateService,
  validateUpdate: validateServiceUpdate,
  status: { initial: () => ({}), validateUpdate: validateServiceStatusUpdate },
  tracksGeneration: false,
  prepareForUpdate: prepareServiceUpdate,
  hooks: (plugins) => [plugins.serviceAllocation],
};
