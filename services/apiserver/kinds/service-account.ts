import type { ServiceAccount } from '../../../lib/api/generated/index.js';
import { validateServiceAccount, validateServiceAccountUpdate } from '../validation/service-account.js';
import type { KindStrategy } from './types.js';

export const serviceAccountStrategy: KindStrategy<ServiceAccount> = {
  validateCreate: validateServiceAccount,
  validateUpdate: validateServiceAccountUpdate,
  tracksGeneration: false,
};
