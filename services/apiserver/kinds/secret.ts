import type { Secret } from '../../../lib/api/generated/index.js';
import { defaultSecret } from '../defaults/secret.js';
import { validateSecret, validateSecretUpdate } from '../validation/config.js';
import { fieldText as str, selectableFields, type KindStrategy } from './types.js';

export const secretStrategy: KindStrategy<Secret> = {
  defaults: defaultSecret,
  validateCreate: validateSecret,
  validateUpdate: validateSecretUpdate,
  tracksGeneration: false,
  fields: selectableFields({ type: (s) => str(s.type) }),
};
