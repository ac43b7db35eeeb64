import { isApiError } from '../../../lib/api/errors.js';
import type { Pod, PodSpec, PodTemplateSpec } from '../../../lib/api/generated/index.js';
import type { KubeObject } from '../../../lib/client/keys.js';
import type { ResourceClient } from '../../../lib/client/resource-client.js';
import type { EventRecorder, InvolvedObject } from '../../../lib/events/event-recorder.js';
import { newControllerRef, type OwnerKind } from './controller-ref.js';
import type { Expectations } from './expectations.js';

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

/** Creates are refused in a namespace being deleted; the namespace controller is removing everything anyway. */
export function isNamespaceTerminating(err: unknown): boolean {
  return isApiError(err, 'Forbidden') && /being terminated/.test((err as Error).message);
}

/** The event messages of pod writes; `what` is `create` or `delete`. */
export interface PodEventMessages {
  done(what: 'create' | 'delete', pod: string, owner: InvolvedObject): string;
  failed(what: 'create' | 'delete', pod: string, owner: InvolvedObject, err: Error): string;
}

/** Kubernetes' RealPodControl (DaemonSets): `Created pod: x`, `Error creating: ...`. */
export const POD_CONTROL_MESSAGES: PodEventMessages = {
  done: (what, pod) => `${what === 'create' ? 'Created' : 'Deleted'} pod: ${pod}`,
  failed: (what, _pod, _owner, err) => `Error ${what === 'create' ? 'creating' : 'deleting'}: ${err.message}`,
};

/** The StatefulSet controller's own: `create Pod web-0 in StatefulSet web successful`. */
export const STATEFUL_POD_MESSAGES: PodEventMessages = {
  done: (what, pod, owner) => `${what} Pod ${pod} in ${owner.kind} ${owner.name} successful`,
  failed: (what, pod, owner, err) => `${what} Pod ${pod} in ${owner.kind} ${owner.name} failed error: ${err.message}`,
};

/**
 * Kubernetes' PodControl for the controllers that make pods one by one: each create and delete is
 * recorded as an event on the owner and as a write the owner's expectations wait for.
 */
export class PodControl {
  constructor(
    private readonly pods: ResourceClient<Pod>,
    private readonly recorder: EventRecorder,
    private readonly expectations: Expectations,
    private readonly messages: PodEventMessages,
  ) {}

  async create(ownerKey: string, owner: InvolvedObject, pod: Pod): Promise<Pod> {
    try {
      const created = await this.pods.create(pod);
      this.expectations.expectWrite(ownerKey, created);
      this.recorder.event(owner, 'Normal', 'SuccessfulCreate', this.messages.done('create', created.metadata?.name ?? '', owner));
      return created;
    } catch (err) {
      if (!isNamespaceTerminating(err)) {
        const name = pod.metadata?.name || pod.metadata?.generateName || '';
        this.recorder.event(owner, 'Warning', 'FailedCreate', this.messages.failed('create', name, owner, err as Error));
      }
      throw err;
    }
  }

  /** Deletes the pod (that very pod: its uid is a precondition); gone already counts as done. */
  async delete(ownerKey: string, owner: InvolvedObject, pod: Pod): Promise<void> {
    const meta = pod.metadata ?? {};
    try {
      const deleted = await this.pods.delete(meta.namespace ?? '', meta.name ?? '', { preconditions: { uid: meta.uid ?? '' } });
      this.expectations.expectWrite(ownerKey, deleted);
      this.recorder.event(owner, 'Normal', 'SuccessfulDelete', this.messages.done('delete', meta.name ?? '', owner));
    } catch (err) {
      if (isApiError(err, 'NotFound') || isApiError(err, 'Conflict')) return;
      this.recorder.event(owner, 'Warning', 'FailedDelete', this.messages.failed('delete', meta.name ?? '', owner, err as Error));
      throw err;
    }
  }
}
