import { ActionType, clusterEvent } from '../../framework/events.js';
import type { EnqueueExtensions, FilterPlugin, PreFilterPlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status, type PluginResult } from '../../framework/status.js';
import * as names from '../names.js';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

/** A pod that names its node (`spec.nodeName`) fits only that node. */
class NodeNamePlugin implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = names.NodeName;
  readonly #rejected = Status.unresolvable(this.name, ERR_REASON_NODE_NAME);
  readonly #skip = Status.skip(this.name);

  preFilter(_state: unknown, pod: PodInfo): PluginResult {
    return pod.nodeName === '' ? this.#skip : null;
  }

  filter(_state: unknown, pod: PodInfo, nodeInfo: NodeInfo): PluginResult {
    return pod.nodeName === '' || pod.nodeName === nodeInfo.name ? null : this.#rejected;
  }

  eventsToRegister() {
    return [clusterEvent('Node', ActionType.Add, 'NodeAdd')];
  }
}

export const newNodeName = () => new NodeNamePlugin();
