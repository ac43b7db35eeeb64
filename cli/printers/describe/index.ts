import type { Endpoints, Lease, LimitRange, Pod, ReplicaSet, ResourceQuota } from '../../../lib/api/generated/index.js';
import type { AnyObject, EnvelopeField, KindTypes, ResourceInfo } from '../../../lib/api/resources.js';
import { describeCronJob, describeJob } from './batch.js';
import { describeCertificateSigningRequest, type CertificateRequestNames } from './certificates.js';
import { describeConfigMap, describeSecret } from './config.js';
import { describeDaemonSet, describeStatefulSet } from './daemon-stateful.js';
import { describeEndpointSlice, describeEndpoints } from './endpoints.js';
import { describeGeneric } from './generic.js';
import { describeIngress, describeIngressClass, type BackendLookup } from './ingress.js';
import { describeNamespace } from './namespace.js';
import { describePriorityClass } from './priority-class.js';
import { describeClusterRole, describeRole, describeRoleBinding } from './rbac.js';
import { describeNetworkPolicy } from './network-policy.js';
import { describeHorizontalPodAutoscaler } from './hpa.js';
import { describeNode } from './node.js';
import { describePod, type DescribeOptions } from './pod.js';
import { describePodDisruptionBudget } from './policy.js';
import { describeLimitRange, describeResourceQuota } from './quota.js';
import { describeService } from './service.js';
import { describePersistentVolume, describePersistentVolumeClaim, describeStorageClass } from './storage.js';
import { describeServiceAccount } from './service-account.js';
import { countPodPhases, describeDeployment, describeReplicaSet, describeReplicationController, type PodPhaseCounts } from './workloads.js';

export type { CertificateRequestNames } from './certificates.js';
export { describeConfigMap, describeSecret } from './config.js';
export { describeGeneric, smartLabel } from './generic.js';
export { ingressBackendServices, type BackendLookup } from './ingress.js';
export { describeNode, type DescribeNodeOptions } from './node.js';
export { describePod, type DescribeOptions } from './pod.js';
export { describeService, type DescribeServiceOptions } from './service.js';
export {
  countPodPhases,
  describeDeployment,
  describeReplicaSet,
  describeReplicationController,
  type DescribeControllerOptions,
  type DescribeDeploymentOptions,
  type PodPhaseCounts,
} from './workloads.js';

/** What the verb layer fetched besides the object; each describer uses the parts it needs. */
export interface DescribeRelated extends DescribeOptions {
  /**
   * Node: pods bound to it. Replication controller, replica set, daemon set, stateful set: pods
   * matching its selector. Claim: pods of its namespace.
   */
  pods?: readonly Pod[];
  /** Replication controller / replica set: pre-counted phases (otherwise counted from `pods`). */
  podPhases?: PodPhaseCounts;
  /** Service: its Endpoints object. */
  endpoints?: Endpoints;
  /** Node: its heartbeat Lease. */
  lease?: Lease;
  /** Node: why its Lease could not be read (kubectl prints it in the Lease line). */
  leaseError?: string;
  /** Deployment: replica sets of older revisions and of the current one. */
  oldReplicaSets?: readonly ReplicaSet[];
  newReplicaSet?: ReplicaSet;
  /** Namespace: the quotas and limit ranges in it. */
  resourceQuotas?: readonly ResourceQuota[];
  limitRanges?: readonly LimitRange[];
  /** Ingress: each backend Service with its EndpointSlices, by Service name. */
  backends?: ReadonlyMap<string, BackendLookup>;
  /** CertificateSigningRequest: what its PKCS#10 request names. */
  certificateRequest?: CertificateRequestNames;
}

type Describer<T> = (object: T, related: DescribeRelated, info: ResourceInfo) => string;

/** Phases of the pods `object` controls, pre-counted or counted from the related pods. */
const phases = (object: AnyObject, related: DescribeRelated): PodPhaseCounts => related.podPhases ?? countPodPhases(related.pods ?? [], object.metadata?.uid || undefined);

/** kubectl's generic describer, for kinds kubectl has no dedicated describer for either. */
const generic: Describer<AnyObject> = (object, related, info) => describeGeneric(info, object, related);

// Typed per envelope field, so a kind added to the registry of resources without a describer
// fails to compile here; a kind kubectl describes generically gets `generic`.
const describers: { [F in EnvelopeField]: Describer<KindTypes[F]> } = {
  pod: (pod, related) => describePod(pod, related),
  node: (node, related) => describeNode(node, { ...related, pods: related.pods ?? [] }),
  namespace: (namespace, related) => describeNamespace(namespace, related),
  service: (service, related) => describeService(service, related),
  endpoints: (endpoints, related) => describeEndpoints(endpoints, related),
  replicationController: (rc, related) => describeReplicationController(rc, { ...related, pods: phases(rc, related) }),
  replicaSet: (rs, related) => describeReplicaSet(rs, { ...related, pods: phases(rs, related) }),
  deployment: (deployment, related) => describeDeployment(deployment, related),
  configMap: (cm, related) => describeConfigMap(cm, related),
  secret: (secret) => describeSecret(secret),
  event: generic,
  lease: generic,
  priorityClass: (pc, related) => describePriorityClass(pc, related),
  horizontalPodAutoscaler: (hpa, related) => describeHorizontalPodAutoscaler(hpa, related),
  persistentVolume: (pv, related) => describePersistentVolume(pv, related),
  persistentVolumeClaim: (pvc, related) => describePersistentVolumeClaim(pvc, related),
  endpointSlice: (slice, related) => describeEndpointSlice(slice, related),
  job: (job, related) => describeJob(job, related),
  cronJob: (cronJob, related) => describeCronJob(cronJob, related),
  resourceQuota: (quota) => describeResourceQuota(quota),
  limitRange: (limitRange) => describeLimitRange(limitRange),
  role: (role) => describeRole(role),
  clusterRole: (role) => describeClusterRole(role),
  roleBinding: (binding) => describeRoleBinding(binding),
  clusterRoleBinding: (binding) => describeRoleBinding(binding),
  daemonSet: (ds, related) => describeDaemonSet(ds, { ...related, pods: phases(ds, related) }),
  statefulSet: (ss, related) => describeStatefulSet(ss, { ...related, pods: phases(ss, related) }),
  controllerRevision: generic,
  ingress: (ingress, related) => describeIngress(ingress, { ...related, backends: related.backends ?? new Map() }),
  ingressClass: (ingressClass, related) => describeIngressClass(ingressClass, related),
  networkPolicy: (policy) => describeNetworkPolicy(policy),
  storageClass: (sc, related) => describeStorageClass(sc, related),
  podMetrics: generic,
  nodeMetrics: generic,
  serviceAccount: (sa, related) => describeServiceAccount(sa, related),
  certificateSigningRequest: (csr, related, info) =>
    related.certificateRequest ? describeCertificateSigningRequest(csr, related.certificateRequest, related) : generic(csr, related, info),  podDisruptionBudget: (pdb, related) => describePodDisruptionBudget(pdb, related),
};

/** `kubectl describe <kind> <name>`: the kind's describer. */
export function describeObject(info: ResourceInfo, object: AnyObject, related: DescribeRelated): string {
  return (describers[info.field] as Describer<AnyObject>)(object, related, info);
}
