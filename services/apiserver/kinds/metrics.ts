import type { NodeMetrics, PodMetrics } from '../../../lib/api/generated/index.js';
import { nameIsDNSSubdomain } from '../validation/helpers.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../validation/object-meta.js';
import type { KindStrategy } from './types.js';

// PodMetrics and NodeMetrics are measured by the kubelets, never written: the operations refuse
// every write to them (MethodNotAllowed) before the registry, so only an object's metadata is
// checked here, for the code that checks every kind alike. Selectors on metadata.name and
// metadata.namespace are the defaults, as metrics-server serves them.

export const podMetricsStrategy: KindStrategy<PodMetrics> = {
  validateCreate: (m) => validateObjectMeta(m.metadata, true, nameIsDNSSubdomain),
  validateUpdate: (m, old) => validateObjectMetaUpdate(m.metadata, old.metadata),
  tracksGeneration: false,
};

export const nodeMetricsStrategy: KindStrategy<NodeMetrics> = {
  validateCreate: (m) => validateObjectMeta(m.metadata, false, nameIsDNSSubdomain),
  validateUpdate: (m, old) => validateObjectMetaUpdate(m.metadata, old.metadata),
  tracksGeneration: false,
};
