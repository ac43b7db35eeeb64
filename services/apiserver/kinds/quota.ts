import type { LimitRange, ResourceQuota } from '../../../lib/api/generated/index.js';
import { defaultLimitRange, defaultResourceQuota } from '../defaults/quota.js';
import {
  validateLimitRange,
  validateLimitRangeUpdate,
  validateResourceQuota,
  validateResourceQuotaStatusUpdate,
  validateResourceQuotaUpdate,
} from '../validation/quota.js';
import type { KindStrategy } from './types.js';

/** The quota controller fills status.hard and status.used; admission charges status.used as objects are created. */
export const resourceQuotaStrategy: KindStrategy<ResourceQuota> = {
  defaults: defaultResourceQuota,
  validateCreate: validateResourceQuota,
  validateUpdate: validateResourceQuotaUpdate,
  status: { initial: () => ({}), validateUpdate: validateResourceQuotaStatusUpdate },
  tracksGeneration: false,
};

export const limitRangeStrategy: KindStrategy<LimitRange> = {
  defaults: defaultLimitRange,
  validateCreate: validateLimitRange,
  validateUpdate: validateLimitRangeUpdate,
  tracksGeneration: false,
};
