/**
 * Cluster events that can make an unschedulable pod schedulable (kube-scheduler's ClusterEvent).
 * Plugins declare the events that could undo their rejections; the queue moves a pod back to
 * the active queue only for events one of its rejecting plugins cares about.
 */
type EventResource = 'Node' | 'AssignedPod' | 'PersistentVolumeClaim' | 'PersistentVolume' | 'StorageClass';

/** Bit flags, so a registration can name several actions at once. */
export const ActionType = {
  Add: 1,
  Delete: 2,
  UpdateNodeAllocatable: 4,
  UpdateNodeLabel: 8,
  UpdateNodeTaint: 16,
  UpdateNodeCondition: 32,
  UpdatePodLabel: 64,
  /** A pod's requests went down (in-place resize), freeing room. */
  UpdatePodScaleDown: 128,
  /** Any change of a storage object (claims, volumes, classes). */
  Update: 256,
} as const;

export interface ClusterEvent {
  resource: EventResource;
  /** One or more ActionType bits. */
  actions: number;
  /** For logs. */
  label: string;
}

export function clusterEvent(resource: EventResource, actions: number, label: string): ClusterEvent {
  return { resource, actions, label };
}

/** True when a plugin registered for `registered` wants to hear about `happened`. */
export function eventMatches(registered: ClusterEvent, happened: ClusterEvent): boolean {
  return registered.resource === happened.resource && (registered.actions & happened.actions) !== 0;
}

export const NodeAdded = clusterEvent('Node', ActionType.Add, 'NodeAdd');
export const AssignedPodAdded = clusterEvent('AssignedPod', ActionType.Add, 'AssignedPodAdd');
export const AssignedPodDeleted = clusterEvent('AssignedPod', ActionType.Delete, 'AssignedPodDelete');
