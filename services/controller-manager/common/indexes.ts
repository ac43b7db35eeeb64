import type { KubeObject } from '../../../lib/client/keys.js';
import type { InvolvedObject } from '../../../lib/events/event-recorder.js';
import type { OwnerKind } from './controller-ref.js';
import { controllerOf } from './controller-ref.js';

/** Index of objects by the uid of their controller, so an owner finds what it controls without a scan. */
export const CONTROLLER_UID_INDEX = 'controllerUid';

export function byControllerUid(obj: KubeObject): string[] {
  const uid = controllerOf(obj)?.uid;
  return uid ? [uid] : [];
}

/** The event's involvedObject for an object of a known kind. */
export function involvedObject(obj: KubeObject, kind: OwnerKind): InvolvedObject {
  const meta = obj.metadata ?? {};
  return {
    kind: kind.kind,
    apiVersion: kind.apiVersion,
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    resourceVersion: meta.resourceVersion ?? '',
  };
}
