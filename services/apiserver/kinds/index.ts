import type { AnyObject, EnvelopeField, KindTypes, ResourceInfo } from '../../../lib/api/resources.js';
import { cronJobStrategy, jobStrategy } from './batch.js';
import { configMapStrategy } from './config-map.js';
import { controllerRevisionStrategy, daemonSetStrategy, statefulSetStrategy } from './daemon-stateful.js';
import { endpointSliceStrategy } from './endpoint-slice.js';
import { endpointsStrategy } from './endpoints.js';
import { eventStrategy } from './event.js';
import { horizontalPodAutoscalerStrategy } from './horizontal-pod-autoscaler.js';
import { leaseStrategy } from './lease.js';
import { nodeMetricsStrategy, podMetricsStrategy } from './metrics.js';
import { namespaceStrategy } from './namespace.js';
import { ingressClassStrategy, ingressStrategy, networkPolicyStrategy } from './networking.js';
import { nodeStrategy } from './node.js';
import { podStrategy } from './pod.js';
import { podDisruptionBudgetStrategy } from './pod-disruption-budget.js';
import { priorityClassStrategy } from './priority-class.js';
import { limitRangeStrategy, resourceQuotaStrategy } from './quota.js';
import { clusterRoleBindingStrategy, clusterRoleStrategy, roleBindingStrategy, roleStrategy } from './rbac.js';
import { secretStrategy } from './secret.js';
import { serviceStrategy } from './service.js';
import { serviceAccountStrategy } from './service-account.js';
import { persistentVolumeClaimStrategy, persistentVolumeStrategy, storageClassStrategy } from './storage.js';
import type { KindStrategy } from './types.js';
import { certificateSigningRequestStrategy } from './certificate-signing-request.js';
import { deploymentStrategy, replicaSetStrategy, replicationControllerStrategy } from './workloads.js';

export { fieldText, type DeletionStrategy, type FieldGetter, type FieldGetters, type KindHooks, type KindPlugins, type KindStrategy, type ScaleStrategy } from './types.js';

/**
 * Every kind's strategy, typed per envelope field: a kind added to the resource table without a
 * strategy fails to compile here, and nothing else in the apiserver names a kind.
 */
export const strategies: { readonly [F in EnvelopeField]: KindStrategy<KindTypes[F]> } = {
  pod: podStrategy,
  node: nodeStrategy,
  namespace: namespaceStrategy,
  service: serviceStrategy,
  endpoints: endpointsStrategy,
  replicationController: replicationControllerStrategy,
  replicaSet: replicaSetStrategy,
  deployment: deploymentStrategy,
  configMap: configMapStrategy,
  secret: secretStrategy,
  event: eventStrategy,
  lease: leaseStrategy,
  priorityClass: priorityClassStrategy,
  horizontalPodAutoscaler: horizontalPodAutoscalerStrategy,
  persistentVolume: persistentVolumeStrategy,
  persistentVolumeClaim: persistentVolumeClaimStrategy,
  endpointSlice: endpointSliceStrategy,
  job: jobStrategy,
  cronJob: cronJobStrategy,
  resourceQuota: resourceQuotaStrategy,
  limitRange: limitRangeStrategy,
  role: roleStrategy,
  clusterRole: clusterRoleStrategy,
  roleBinding: roleBindingStrategy,
  clusterRoleBinding: clusterRoleBindingStrategy,
  daemonSet: daemonSetStrategy,
  statefulSet: statefulSetStrategy,
  controllerRevision: controllerRevisionStrategy,
  ingress: ingressStrategy,
  ingressClass: ingressClassStrategy,
  networkPolicy: networkPolicyStrategy,
  storageClass: storageClassStrategy,
  podMetrics: podMetricsStrategy,
  nodeMetrics: nodeMetricsStrategy,
  serviceAccount: serviceAccountStrategy,
  certificateSigningRequest: certificateSigningRequestStrategy,
  podDisruptionBudget: podDisruptionBudgetStrategy,
};

/** The strategy of a resource's kind, for code that handles every kind alike. */
export function strategyFor(info: ResourceInfo): KindStrategy<AnyObject> {
  return strategies[info.field] as KindStrategy<AnyObject>;
}
