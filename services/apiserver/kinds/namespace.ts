import type { Namespace } from '../../../lib/api/generated/index.js';
import { defaultNamespace } from '../defaults/namespace.js';
import { validateNamespace, validateNamespaceStatusUpdate, validateNamespaceUpdate } from '../validation/namespace.js';
import { fieldText as str, selectableFields, type KindStrategy } from './types.js';

export const namespaceStrategy: KindStrategy<Namespace> = {
  defaults: defaultNamespace,
  validateCreate: validateNamespace,
  validateUpdate: validateNamespaceUpdate,
  status: { initial: () => ({ phase: 'Active' }), validateUpdate: validateNamespaceStatusUpdate },
  tracksGeneration: false,
  fields: selectableFields({ 'status.phase': (n) => str(n.status?.phase) }),
  deletion: {
    // The namespace controller empties it, then removes spec.finalizers, which removes it.
    finalize: (marked) => {
      marked.status = { ...marked.status, phase: 'Terminating' };
    },
    heldBeyondFinalizers: (ns) => (ns.spec?.finalizers ?? []).length > 0,
  },
};
