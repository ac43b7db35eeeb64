import type { Lease } from '../../../lib/api/generated/index.js';
import { validateLease, validateLeaseUpdate } from '../validation/lease.js';
import type { KindStrategy } from './types.js';

export const leaseStrategy: KindStrategy<Lease> = {
  validateCreate: validateLease,
  validateUpdate: validateLeaseUpdate,
  tracksGeneration: false,
};
