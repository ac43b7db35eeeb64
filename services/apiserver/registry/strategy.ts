import { isDeepStrictEqual } from 'node:util';
import type { Pod, PodStatus, Service } from '../../../lib/api/generated/index.js';
import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import { qosClass } from '../../../lib/api/pod-qos.js';
import { newUid, rfc3339 } from './object-meta.js';
import { prepareServiceUpdate } from './service-update.js';

// Per-kind rules for what a write may change, as Kubernetes' registry strategies: the main
// endpoint never changes status, the status endpoint never changes anything else, spec changes
// bump metadata.generation.

type WithSpecStatus = AnyObject & { spec?: unknown; status?: unknown };

/** Status a freshly created object starts with; undefined keeps what the client sent (nodes report their own). */
function initialStatus(info: ResourceInfo, object: WithSpecStatus): unknown {
  switch (info.field) {
    case 'node':
      return object.status;
    case 'pod': {
      const status: PodStatus = { phase: 'Pending', qosClass: qosClass((object as Pod).spec) };
      return status;
    }
    case 'namespace':
      return { phase: 'Active' };
    case 'persistentVolume':
    case 'persistentVolumeClaim':
      return { phase: 'Pending' };
    case 'replicationController':
    case 'replicaSet':
      return { replicas: 0 };
    default:
      return info.hasStatus ? {} : undefined;
  }
}

const SPEC_KINDS = new Set(['pod', 'node', 'service', 'replicationController', 'replicaSet', 'deployment', 'namespace',
  'horizontalPodAutoscaler', 'persistentVolume', 'persistentVolumeClaim']);

/** Server-owned metadata and initial status for a create. */
export function prepareForCreate(info: ResourceInfo, object: AnyObject): void {
  const meta = object.metadata ?? {};
  object.metadata = {
    ...meta,
    uid: newUid(),
    creationTimestamp: rfc3339(),
    resourceVersion: undefined,
    deletionTimestamp: undefined,
    deletionGracePeriodSeconds: undefined,
    generation: SPEC_KINDS.has(info.field) ? 1 : undefined,
  };
  if (info.hasStatus) (object as WithSpecStatus).status = initialStatus(info, object as WithSpecStatus);
}

/** Carries server-owned fields over from the stored object on an update of the main resource. */
export function prepareForUpdate(info: ResourceInfo, object: AnyObject, old: AnyObject): void {
  if (info.field === 'service') prepareServiceUpdate(object as Service, old as Service);
  const oldMeta = old.metadata ?? {};
  object.metadata = {
    ...object.metadata,
    uid: oldMeta.uid,
    creationTimestamp: oldMeta.creationTimestamp,
    deletionTimestamp: oldMeta.deletionTimestamp,
    deletionGracePeriodSeconds: oldMeta.deletionGracePeriodSeconds,
    generation: oldMeta.generation,
  };
  if (info.hasStatus) (object as WithSpecStatus).status = (old as WithSpecStatus).status;
}

/**
 * Bumps metadata.generation when the spec changed. Runs after defaulting: a client that sends the
 * spec without the defaults the server fills in has not changed it.
 */
export function updateGeneration(info: ResourceInfo, object: AnyObject, old: AnyObject): void {
  if (!SPEC_KINDS.has(info.field)) return;
  const specChanged = !isDeepStrictEqual((object as WithSpecStatus).spec, (old as WithSpecStatus).spec);
  object.metadata = { ...object.metadata, generation: (old.metadata?.generation ?? 1) + (specChanged ? 1 : 0) };
}

/** The object a status update produces: everything from the stored object but the status. */
export function statusUpdateOf(object: AnyObject, old: AnyObject): AnyObject {
  return { ...old, metadata: { ...old.metadata }, status: (object as WithSpecStatus).status } as AnyObject;
}
