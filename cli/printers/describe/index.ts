import type {
  ConfigMap,
  CronJob,
  Deployment,
  Endpoints,
  HorizontalPodAutoscaler,
  Job,
  Lease,
  LimitRange,
  NetworkPolicy,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  ReplicaSet,
  ReplicationController,
  ResourceQuota,
  Secret,
  Service,
  ServiceAccount,
  StorageClass,
} from '../../../lib/api/generated/index.js';
import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import { describeCronJob, describeJob } from './batch.js';
import { describeConfigMap, describeSecret } from './config.js';
import { describeGeneric } from './generic.js';
import { describeNetworkPolicy } from './network-policy.js';
import { describeHorizontalPodAutoscaler } from './hpa.js';
import { describeNode } from './node.js';
import { describePod, type DescribeOptions } from './pod.js';
import { describeLimitRange, describeResourceQuota } from './quota.js';
import { describeService } from './service.js';
import { describePersistentVolume, describePersistentVolumeClaim, describeStorageClass } from './storage.js';
import { describeServiceAccount } from './service-account.js';
import { countPodPhases, describeDeployment, describeReplicaSet, describeReplicationController, type PodPhaseCounts } from './workloads.js';

export { describeConfigMap, describeSecret } from './config.js';
export { describeGeneric, smartLabel } from './generic.js';
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
  /** Node: pods bound to it. Replication controller / replica set: pods matching its selector. Claim: pods of its namespace. */
  pods?: readonly Pod[];
  /** Replication controller / replica set: pre-counted phases (otherwise counted from `pods`). */
  podPhases?: PodPhaseCounts;
  /** Service: its Endpoints object. */
  endpoints?: Endpoints;
  /** Node: its heartbeat Lease. */
  lease?: Lease;
  /** Deployment: replica sets of older revisions and of the current one. */
  oldReplicaSets?: readonly ReplicaSet[];
  newReplicaSet?: ReplicaSet;
}

/** `kubectl describe <kind> <name>`: the kind's describer, or the generic one for the rest. */
export function describeObject(info: ResourceInfo, object: AnyObject, related: DescribeRelated): string {
  const phases = (): PodPhaseCounts => related.podPhases ?? countPodPhases(related.pods ?? [], object.metadata?.uid || undefined);
  switch (info.field) {
    case 'pod':
      return describePod(object as Pod, related);
    case 'node':
      return describeNode(object as Node, { ...related, pods: related.pods ?? [] });
    case 'service':
      return describeService(object as Service, related);
    case 'replicationController':
      return describeReplicationController(object as ReplicationController, { ...related, pods: phases() });
    case 'replicaSet':
      return describeReplicaSet(object as ReplicaSet, { ...related, pods: phases() });
    case 'deployment':
      return describeDeployment(object as Deployment, related);
    case 'secret':
      return describeSecret(object as Secret);
    case 'configMap':
      return describeConfigMap(object as ConfigMap, related);
    case 'job':
      return describeJob(object as Job, related);
    case 'cronJob':
      return describeCronJob(object as CronJob, related);
    case 'resourceQuota':
      return describeResourceQuota(object as ResourceQuota);
    case 'limitRange':
      return describeLimitRange(object as LimitRange);
    case 'networkPolicy':
      return describeNetworkPolicy(object as NetworkPolicy);
    case 'persistentVolume':
      return describePersistentVolume(object as PersistentVolume, related);
    case 'persistentVolumeClaim':
      return describePersistentVolumeClaim(object as PersistentVolumeClaim, related);
    case 'storageClass':
      return describeStorageClass(object as StorageClass, related);
    case 'horizontalPodAutoscaler':
      return describeHorizontalPodAutoscaler(object as HorizontalPodAutoscaler, related);
    case 'serviceAccount':
      return describeServiceAccount(object as ServiceAccount, related);
    default:
      return describeGeneric(info, object, related);
  }
}
