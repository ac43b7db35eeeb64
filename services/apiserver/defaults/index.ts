import type * as t from '../../../lib/api/generated/index.js';
import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import { defaultHorizontalPodAutoscaler } from './hpa.js';
import { defaultNamespace } from './namespace.js';
import { defaultNode } from './node.js';
import { defaultPod } from './pod.js';
import { defaultPriorityClass } from './priority-class.js';
import { defaultSecret } from './secret.js';
import { defaultEndpoints, defaultService } from './service.js';
import { defaultPersistentVolume, defaultPersistentVolumeClaim } from './storage.js';
import { defaultDeployment, defaultReplicaSet, defaultReplicationController } from './workloads.js';

/**
 * Fills in what a client may leave out, as Kubernetes' SetDefaults_* functions do, so that what is
 * stored and shown is the complete object. Mutates `obj`; the caller passes its own copy. Runs
 * before validation, on every create and update of the main resource.
 */
export function applyDefaults(info: ResourceInfo, obj: AnyObject): void {
  switch (info.field) {
    case 'pod':
      return defaultPod(obj as t.Pod);
    case 'replicationController':
      return defaultReplicationController(obj as t.ReplicationController);
    case 'replicaSet':
      return defaultReplicaSet(obj as t.ReplicaSet);
    case 'deployment':
      return defaultDeployment(obj as t.Deployment);
    case 'service':
      return defaultService(obj as t.Service);
    case 'endpoints':
      return defaultEndpoints(obj as t.Endpoints);
    case 'namespace':
      return defaultNamespace(obj as t.Namespace);
    case 'secret':
      return defaultSecret(obj as t.Secret);
    case 'node':
      return defaultNode(obj as t.Node);
    case 'persistentVolume':
      return defaultPersistentVolume(obj as t.PersistentVolume);
    case 'persistentVolumeClaim':
      return defaultPersistentVolumeClaim(obj as t.PersistentVolumeClaim);
    case 'horizontalPodAutoscaler':
      return defaultHorizontalPodAutoscaler(obj as t.HorizontalPodAutoscaler);
    case 'priorityClass':
      return defaultPriorityClass(obj as t.PriorityClass);
    case 'configMap':
    case 'event':
    case 'lease':
      return;
  }
}
