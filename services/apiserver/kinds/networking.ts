import type { Ingress, IngressClass, NetworkPolicy } from '../../../lib/api/generated/index.js';
import { defaultIngressClass, defaultNetworkPolicy } from '../defaults/networking.js';
import {
  validateIngress,
  validateIngressClass,
  validateIngressClassUpdate,
  validateIngressStatusUpdate,
  validateIngressUpdate,
  validateNetworkPolicy,
  validateNetworkPolicyUpdate,
} from '../validation/networking.js';
import type { KindStrategy } from './types.js';

export const ingressStrategy: KindStrategy<Ingress> = {
  validateCreate: validateIngress,
  validateUpdate: validateIngressUpdate,
  status: { initial: () => ({}), validateUpdate: validateIngressStatusUpdate },
  tracksGeneration: true,
};

export const ingressClassStrategy: KindStrategy<IngressClass> = {
  defaults: defaultIngressClass,
  validateCreate: validateIngressClass,
  validateUpdate: validateIngressClassUpdate,
  tracksGeneration: true,
};

export const networkPolicyStrategy: KindStrategy<NetworkPolicy> = {
  defaults: defaultNetworkPolicy,
  validateCreate: validateNetworkPolicy,
  validateUpdate: validateNetworkPolicyUpdate,
  tracksGeneration: true,
};
