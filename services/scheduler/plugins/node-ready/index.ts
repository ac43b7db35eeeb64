import { ActionType, clusterEvent } from '../../framework/events.js';
import type { EnqueueExtensions, FilterPlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status, type PluginResult } from '../../framework/status.js';
import { TAINT_NO_SCHEDULE, TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE, tolerationsTolerateTaint } from '../../../../lib/api/taints.js';
import * as names from '../names.js';

export const ERR_REASON_NOT_READY = 'node(s) were not ready';

const NOT_READY_TAINT = { key: TAINT_NODE_NOT_READY, effect: TAINT_NO_SCHEDULE };
const UNREACHABLE_TAINT = { key: TAINT_NODE_UNREACHABLE, effect: TAINT_NO_SCHEDULE };

/**
 * Rejects nodes whose Ready condition is not True. kube-scheduler leaves this to the taints the
 * node lifecycle controller adds (`node.kubernetes.io/not-ready`, `.../unreachable` for an
 * Unknown status); this plugin gives the same answer without waiting for them, and honours
 * tolerations of those taints the same way (DaemonSet-style pods still land on such nodes).
 */
class NodeReadyPlugin implements FilterPlugin, EnqueueExtensions {
  readonly name = names.NodeReady;
  readonly #rejected = Status.unresolvable(this.name, ERR_REASON_NOT_READY);

  filter(_state: unknown, pod: PodInfo, nodeInfo: NodeInfo): PluginResult {
    if (nodeInfo.ready === 'True') return null;
    const taint = nodeInfo.ready === 'False' ? NOT_READY_TAINT : UNREACHABLE_TAINT;
    return tolerationsTolerateTaint(pod.tolerations, taint) ? null : this.#rejected;
  }

  eventsToRegister() {
    return [clusterEvent('Node', ActionType.Add | ActionType.UpdateNodeCondition, 'NodeReady')];
  }
}

export const newNodeReady = () => new NodeReadyPlugin();
