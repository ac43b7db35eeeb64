import type { Pod } from '../../../lib/api/generated/index.js';

export type EventType = 'Normal' | 'Warning';

/**
 * Where the kubelet reports what happened to a pod (`Pulling`, `Started`, `BackOff`, `FailedMount`, ...).
 * The wiring turns these into Event objects; `fieldPath` names the container as Kubernetes does
 * (`spec.containers{web}`) or is absent for the pod itself.
 */
export interface EventRecorder {
  event(pod: Pod, type: EventType, reason: string, message: string, fieldPath?: string): void;
}

export const discardEvents: EventRecorder = { event: () => undefined };

export function containerFieldPath(containerName: string, init: boolean): string {
  return `${init ? 'spec.initContainers' : 'spec.containers'}{${containerName}}`;
}
