import { isApiError, isGoneOrReplaced } from '../../../lib/api/errors.js';
import type { Pod, PodSpec, PodTemplateSpec } from '../../../lib/api/generated/index.js';
import type { KubeObject } from '../../../lib/client/keys.js';
import type { ResourceClient } from '../../../lib/client/resource-client.js';
import type { EventRecorder, InvolvedObject } from '../../../lib/events/event-recorder.js';
import { newControllerRef, type OwnerKind } from './controller-ref.js';
import { slowStartBatch } from './slow-start.js';

// Kubernetes' PodControl for the controllers that own pods: creates and deletes with the events
// kubectl describe shows (SuccessfulCreate, FailedCreate, SuccessfulDelete, FailedDelete).

export interface PodControl {
  pods: ResourceClient<Pod>;
  recorder: EventRecorder;
  /** The owner the events are about. */
  owner: InvolvedObject;
}

/** Creates are refused in a namespace being deleted; its controller removes the owner anyway. */
function isNamespaceTerminating(err: unknown): boolean {
  return isApiError(err, 'Forbidden') && /being terminated/.test((err as Error).message);
}

/**
 * Creates `count` pods made by `next` in slow-start batches; `created` hears each one as the API
 * returned it. Throws the first refusal (after a FailedCreate event) unless the namespace is going away.
 */
export async function createPods(control: PodControl, count: number, next: () => Pod, created: (pod: Pod) => void): Promise<void> {
  const { error } = await slowStartBatch(count, 1, async () => {
    const pod = await control.pods.create(next());
    created(pod);
    control.recorder.event(control.owner, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name ?? ''}`);
  });
  if (error === undefined || isNamespaceTerminating(error)) return;
  control.recorder.event(control.owner, 'Warning', 'FailedCreate', `Error creating: ${(error as Error).message}`);
  throw error;
}

/**
 * Deletes the pods (each guarded by its uid, so a recreated pod of the same name survives);
 * `deleted` hears each delete the API acknowledged. A pod already gone is what we wanted. Throws
 * the first failure once every delete has been tried.
 */
export async function deletePods(control: PodControl, pods: readonly Pod[], deleted: (pod: Pod) => void): Promise<void> {
  const results = await Promise.allSettled(
    pods.map(async (p) => {
      const meta = p.metadata ?? {};
      try {
        deleted(await control.pods.delete(meta.namespace ?? '', meta.name ?? '', { preconditions: { uid: meta.uid ?? '' } }));
        control.recorder.event(control.owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${meta.name ?? ''}`);
      } catch (err) {
        if (isGoneOrReplaced(err)) return;
        control.recorder.event(control.owner, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
        throw err;
      }
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** A pod from an owner's template: its labels, annotations and finalizers, owned by the owner; the caller names it. */
export function podFromTemplate(template: PodTemplateSpec | undefined, owner: KubeObject, ownerKind: OwnerKind, spec?: PodSpec): Pod {
  const meta = template?.metadata ?? {};
  const pod: Pod = {
    metadata: {
      namespace: owner.metadata?.namespace ?? '',
      labels: { ...meta.labels },
      ownerReferences: [newControllerRef(owner, ownerKind)],
    },
    spec: spec ?? structuredClone(template?.spec ?? {}),
  };
  if (meta.annotations) pod.metadata!.annotations = { ...meta.annotations };
  if (meta.finalizers?.length) pod.metadata!.finalizers = [...meta.finalizers];
  return pod;
}
