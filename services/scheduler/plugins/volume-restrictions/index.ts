import type { CycleState } from '../../framework/cycle-state.js';
import { ActionType, clusterEvent } from '../../framework/events.js';
import type { EnqueueExtensions, FrameworkHandle, NodeInfoLister, PreFilterPlugin, VolumeLister } from '../../framework/interfaces.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status, type PluginResult } from '../../framework/status.js';
import * as names from '../names.js';

export const ERR_READ_WRITE_ONCE_POD_CONFLICT = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';

/**
 * kube-scheduler's VolumeRestrictions for ReadWriteOncePod: a claim with that access mode serves
 * one pod in the whole cluster, so a second pod using it is unschedulable while the first exists.
 */
class VolumeRestrictionsPlugin implements PreFilterPlugin, EnqueueExtensions {
  readonly name = names.VolumeRestrictions;

  constructor(
    private readonly snapshot: NodeInfoLister,
    private readonly volumes: VolumeLister,
  ) {}

  preFilter(_state: CycleState, pod: PodInfo): PluginResult {
    const namespace = pod.namespace;
    const exclusive = (pod.pod.spec?.volumes ?? [])
      .map((v) => v.persistentVolumeClaim?.claimName ?? '')
      .filter((name) => name !== '' && (this.volumes.claim(namespace, name)?.spec?.accessModes ?? []).includes('ReadWriteOncePod'));
    if (exclusive.length === 0) return Status.skip(this.name);
    for (const nodeInfo of this.snapshot.list()) {
      for (const other of nodeInfo.pods) {
        if (other.uid === pod.uid || other.namespace !== namespace) continue;
        const used = (other.pod.spec?.volumes ?? []).map((v) => v.persistentVolumeClaim?.claimName ?? '');
        if (exclusive.some((name) => used.includes(name))) return Status.unresolvable(this.name, ERR_READ_WRITE_ONCE_POD_CONFLICT);
      }
    }
    return null;
  }

  eventsToRegister() {
    return [clusterEvent('AssignedPod', ActionType.Delete, 'AssignedPodDelete'), clusterEvent('PersistentVolumeClaim', ActionType.Add | ActionType.Update, 'PvcChange')];
  }
}

export const newVolumeRestrictions = (handle: FrameworkHandle) => new VolumeRestrictionsPlugin(handle.snapshot, handle.volumes);
