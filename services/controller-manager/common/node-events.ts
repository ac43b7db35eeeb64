import type { EventRecorder } from '../../../lib/events/event-recorder.js';

/**
 * Kubernetes' RecordNodeStatusChange: an event on the node (its uid is its name, as kubelets
 * record them) saying `Node <name> status is now: <status>`.
 */
export function recordNodeStatusChange(recorder: EventRecorder, name: string, status: string): void {
  recorder.event({ kind: 'Node', apiVersion: 'v1', namespace: '', name, uid: name }, 'Normal', status, `Node ${name} status is now: ${status}`);
}
