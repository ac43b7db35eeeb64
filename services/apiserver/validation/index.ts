import type * as t from '../../../lib/api/generated/index.js';
import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import type { FieldError } from '../../../lib/validation/field-errors.js';
import { validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate } from './config.js';
import { validateEvent, validateEventUpdate } from './event.js';
import {
  validateHorizontalPodAutoscaler,
  validateHorizontalPodAutoscalerStatusUpdate,
  validateHorizontalPodAutoscalerUpdate,
} from './hpa.js';
import { validateLease, validateLeaseUpdate } from './lease.js';
import { validateNamespace, validateNamespaceStatusUpdate, validateNamespaceUpdate } from './namespace.js';
import { validateNode, validateNodeUpdate } from './node.js';
import { validateObjectMetaUpdate } from './object-meta.js';
import { validatePod, validatePodStatusUpdate, validatePodUpdate } from './pod.js';
import { validatePriorityClass, validatePriorityClassUpdate } from './priority-class.js';
import {
  validateEndpoints,
  validateEndpointsUpdate,
  validateService,
  validateServiceStatusUpdate,
  validateServiceUpdate,
} from './service.js';
import {
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimUpdate,
  validatePersistentVolumeUpdate,
} from './storage.js';
import {
  validateDeployment,
  validateDeploymentStatus,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateReplicaSetStatus,
  validateReplicaSetUpdate,
  validateReplicationController,
  validateReplicationControllerUpdate,
} from './workloads.js';

// Validation of every kind, as Kubernetes' registry strategies run it: on create, on update of
// the main resource, and on update of the status subresource. Objects arrive defaulted
// (../defaults). Errors read exactly like Kubernetes' (`spec.containers[0].image: Required value`)
// and are reported in Kubernetes' order; the same error found twice is reported once.

function unique(errs: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errs.filter((err) => !seen.has(err.message) && Boolean(seen.add(err.message)));
}

/** Validates an object about to be created. */
export function validateObject(info: ResourceInfo, obj: AnyObject): FieldError[] {
  return unique(validateCreate(info, obj));
}

/** Validates a new version of an object against the stored one: everything validateObject checks, plus what may not change. */
export function validateObjectUpdate(info: ResourceInfo, obj: AnyObject, old: AnyObject): FieldError[] {
  return unique([...validateUpdate(info, obj, old), ...validateCreate(info, obj)]);
}

/** Validates a write to the status subresource (`obj` carries the stored spec and the new status). */
export function validateStatusUpdate(info: ResourceInfo, obj: AnyObject, old: AnyObject): FieldError[] {
  return unique(validateStatus(info, obj, old));
}

function validateCreate(info: ResourceInfo, obj: AnyObject): FieldError[] {
  switch (info.field) {
    case 'pod':
      return validatePod(obj as t.Pod);
    case 'node':
      return validateNode(obj as t.Node);
    case 'namespace':
      return validateNamespace(obj as t.Namespace);
    case 'service':
      return validateService(obj as t.Service);
    case 'endpoints':
      return validateEndpoints(obj as t.Endpoints);
    case 'replicationController':
      return validateReplicationController(obj as t.ReplicationController);
    case 'replicaSet':
      return validateReplicaSet(obj as t.ReplicaSet);
    case 'deployment':
      return validateDeployment(obj as t.Deployment);
    case 'configMap':
      return validateConfigMap(obj as t.ConfigMap);
    case 'secret':
      return validateSecret(obj as t.Secret);
    case 'event':
      return validateEvent(obj as t.Event);
    case 'lease':
      return validateLease(obj as t.Lease);
    case 'priorityClass':
      return validatePriorityClass(obj as t.PriorityClass);
    case 'horizontalPodAutoscaler':
      return validateHorizontalPodAutoscaler(obj as t.HorizontalPodAutoscaler);
    case 'persistentVolume':
      return validatePersistentVolume(obj as t.PersistentVolume);
    case 'persistentVolumeClaim':
      return validatePersistentVolumeClaim(obj as t.PersistentVolumeClaim);
  }
}

function validateUpdate(info: ResourceInfo, obj: AnyObject, old: AnyObject): FieldError[] {
  switch (info.field) {
    case 'pod':
      return validatePodUpdate(obj as t.Pod, old as t.Pod);
    case 'node':
      return validateNodeUpdate(obj as t.Node, old as t.Node);
    case 'namespace':
      return validateNamespaceUpdate(obj as t.Namespace, old as t.Namespace);
    case 'service':
      return validateServiceUpdate(obj as t.Service, old as t.Service);
    case 'endpoints':
      return validateEndpointsUpdate(obj as t.Endpoints, old as t.Endpoints);
    case 'replicationController':
      return validateReplicationControllerUpdate(obj as t.ReplicationController, old as t.ReplicationController);
    case 'replicaSet':
      return validateReplicaSetUpdate(obj as t.ReplicaSet, old as t.ReplicaSet);
    case 'deployment':
      return validateDeploymentUpdate(obj as t.Deployment, old as t.Deployment);
    case 'configMap':
      return validateConfigMapUpdate(obj as t.ConfigMap, old as t.ConfigMap);
    case 'secret':
      return validateSecretUpdate(obj as t.Secret, old as t.Secret);
    case 'event':
      return validateEventUpdate(obj as t.Event, old as t.Event);
    case 'lease':
      return validateLeaseUpdate(obj as t.Lease, old as t.Lease);
    case 'priorityClass':
      return validatePriorityClassUpdate(obj as t.PriorityClass, old as t.PriorityClass);
    case 'horizontalPodAutoscaler':
      return validateHorizontalPodAutoscalerUpdate(obj as t.HorizontalPodAutoscaler, old as t.HorizontalPodAutoscaler);
    case 'persistentVolume':
      return validatePersistentVolumeUpdate(obj as t.PersistentVolume, old as t.PersistentVolume);
    case 'persistentVolumeClaim':
      return validatePersistentVolumeClaimUpdate(obj as t.PersistentVolumeClaim, old as t.PersistentVolumeClaim);
  }
}

function validateStatus(info: ResourceInfo, obj: AnyObject, old: AnyObject): FieldError[] {
  const metaErrs = (): FieldError[] => validateObjectMetaUpdate(obj.metadata, old.metadata);
  switch (info.field) {
    case 'pod':
      return validatePodStatusUpdate(obj as t.Pod, old as t.Pod);
    case 'node':
      return validateNodeUpdate(obj as t.Node, old as t.Node);
    case 'namespace':
      return validateNamespaceStatusUpdate(obj as t.Namespace, old as t.Namespace);
    case 'service':
      return validateServiceStatusUpdate(obj as t.Service, old as t.Service);
    case 'replicationController':
      return [...metaErrs(), ...validateReplicaSetStatus((obj as t.ReplicationController).status)];
    case 'replicaSet':
      return [...metaErrs(), ...validateReplicaSetStatus((obj as t.ReplicaSet).status)];
    case 'deployment':
      return [...metaErrs(), ...validateDeploymentStatus((obj as t.Deployment).status, (old as t.Deployment).status)];
    case 'horizontalPodAutoscaler':
      return validateHorizontalPodAutoscalerStatusUpdate(obj as t.HorizontalPodAutoscaler, old as t.HorizontalPodAutoscaler);
    default:
      return metaErrs();
  }
}
