import type { PersistentVolume, PersistentVolumeClaim } from '../../../../lib/api/generated/index.js';
import { claimClassName } from '../../../../lib/storage/classes.js';
import { findMatchingVolume } from '../../../../lib/storage/volume-matching.js';
import { volumeFitsNode } from '../../../../lib/storage/volume-node-affinity.js';
import type { CycleState, StateData } from '../../framework/cycle-state.js';
import { ActionType, clusterEvent } from '../../framework/events.js';
import type { EnqueueExtensions, FilterPlugin, FrameworkHandle, PreFilterPlugin, VolumeLister } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status, type PluginResult } from '../../framework/status.js';
import * as names from '../names.js';
import { podClaims } from './pod-claims.js';

export { claimsToSelectNode, ERR_UNBOUND_IMMEDIATE } from './pod-claims.js';

export const ERR_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_NO_VOLUME_TO_BIND = "node(s) didn't find available persistent volumes to bind";

/** The provisioner name Kubernetes uses for classes whose volumes are made by hand. */
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

class VolumeState implements StateData {
  constructor(
    readonly bound: readonly PersistentVolume[],
    readonly delayed: readonly PersistentVolumeClaim[],
  ) {}

  clone(): StateData {
    return this;
  }
}

/**
 * kube-scheduler's VolumeBinding: a pod whose claims are bound fits only the nodes its volumes'
 * node affinity allows; an unbound claim of a WaitForFirstConsumer class fits a node with a
 * matching Available volume, or any node when its class has a provisioner; any other unbound
 * claim keeps the pod unschedulable until the binder binds it.
 */
class VolumeBindingPlugin implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = names.VolumeBinding;
  readonly #conflict = Status.unresolvable(this.name, ERR_NODE_CONFLICT);
  readonly #noVolume = Status.unresolvable(this.name, ERR_NO_VOLUME_TO_BIND);

  constructor(private readonly volumes: VolumeLister) {}

  preFilter(state: CycleState, pod: PodInfo): PluginResult {
    if (!(pod.pod.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim)) return Status.skip(this.name);
    const claims = podClaims(pod.pod, this.volumes);
    if (!claims.ok) return Status.unresolvable(this.name, claims.reason);
    state.write(this.name, new VolumeState(claims.bound, claims.delayed));
    return null;
  }

  filter(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): PluginResult {
    const claims = state.read<VolumeState>(this.name);
    if (!claims) return null;
    for (const pv of claims.bound) if (!volumeFitsNode(pv, nodeInfo.labels, nodeInfo.name)) return this.#conflict;
    for (const claim of claims.delayed) {
      const provisioner = this.volumes.storageClass(claimClassName(claim))?.provisioner ?? '';
      if (provisioner !== '' && provisioner !== NO_PROVISIONER) continue;
      if (!findMatchingVolume(claim, this.volumes.volumes(), { name: nodeInfo.name, labels: nodeInfo.labels })) return this.#noVolume;
    }
    return null;
  }

  eventsToRegister() {
    const change = ActionType.Add | ActionType.Update;
    return [
      clusterEvent('PersistentVolumeClaim', change, 'PvcChange'),
      clusterEvent('PersistentVolume', change, 'PvChange'),
      clusterEvent('StorageClass', change, 'StorageClassChange'),
      clusterEvent('Node', ActionType.Add | ActionType.UpdateNodeLabel, 'NodeChange'),
    ];
  }
}

export const newVolumeBinding = (handle: FrameworkHandle) => new VolumeBindingPlugin(handle.volumes);
