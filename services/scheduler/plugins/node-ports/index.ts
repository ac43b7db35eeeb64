import type { CycleState } from '../../framework/cycle-state.js';
import { ActionType, clusterEvent } from '../../framework/events.js';
import type { EnqueueExtensions, FilterPlugin, PreFilterPlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status, type PluginResult } from '../../framework/status.js';
import * as names from '../names.js';

export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";

/** Rejects nodes where a host port the pod asks for (same protocol, overlapping IP) is taken. */
class NodePortsPlugin implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = names.NodePorts;
  readonly #rejected = Status.unschedulable(this.name, ERR_REASON_PORTS);
  readonly #skip = Status.skip(this.name);

  preFilter(_state: CycleState, pod: PodInfo): PluginResult {
    return pod.hostPorts.length === 0 ? this.#skip : null;
  }

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): PluginResult {
    for (const p of pod.hostPorts) if (nodeInfo.usedPorts.conflicts(p)) return this.#rejected;
    return null;
  }

  eventsToRegister() {
    return [
      clusterEvent('AssignedPod', ActionType.Delete, 'AssignedPodDelete'),
      clusterEvent('Node', ActionType.Add, 'NodeAdd'),
    ];
  }
}

export const newNodePorts = () => new NodePortsPlugin();
