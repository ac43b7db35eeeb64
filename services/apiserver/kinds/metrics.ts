import type { NodeMetrics, PodMetrics } from '../../../lib/api/generated/index.js';
import type { KindStrategy } from './types.js';

// PodMetrics and NodeMetrics are measured by the kubelets, never written: the operations refuse
// every write to them (MethodNotAllowed) before the registry, so nothing here is ever asked to
// validate a stored object. Selectors on metadata.name and metadata.namespace are the defaults.

export const podMetricsStrategy: KindStrategy<PodMetrics> = {
  validateCreate: () => [],
  validateUpdate: () => [],
  tracksGeneration: false,
};

export const nodeMetricsStrategy: KindStrategy<NodeMetrics> = {
  validateCreate: () => [],
  validateUpdate: () => [],
  tracksGeneration: false,
};
