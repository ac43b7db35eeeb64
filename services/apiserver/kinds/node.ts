import type { Node } from '../../../lib/api/generated/index.js';
import { defaultNode } from '../defaults/node.js';
import { validateNode, validateNodeUpdate } from '../validation/node.js';
import { selectableFields, type KindStrategy } from './types.js';

export const nodeStrategy: KindStrategy<Node> = {
  defaults: defaultNode,
  validateCreate: validateNode,
  validateUpdate: validateNodeUpdate,
  status: {
    // A kubelet registers its Node with the status it observed.
    initial: (node) => node.status,
    validateUpdate: validateNodeUpdate,
  },
  tracksGeneration: false,
  fields: selectableFields({ 'spec.unschedulable': (n) => String(n.spec?.unschedulable ?? false) }),
};
