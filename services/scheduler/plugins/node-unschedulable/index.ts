import { ActionType, clusterEvent } from '../../framework/events.js';
import type { EnqueueExtensions, FilterPlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status, type PluginResult } from '../../framework/status.js';
import { TAINT_NO_SCHEDULE, TAINT_NODE_UNSCHEDULABLE, tolerationsTolerateTaint } from '../../../../lib/api/taints.js';
import * as names from '../names.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

const UNSCHEDULABLE_TAINT = { key: TAINT_NODE_UNSCHEDULABLE, effect: TAINT_NO_SCHEDULE };

/** Rejects cordoned nodes (`spec.unschedulable`) unless the pod tolerates the unschedulable taint. */
class NodeUnschedulablePlugin implements FilterPlugin, EnqueueExtensions {
  readonly name = names.NodeUnschedulable;
  readonly #rejected = Status.unresolvable(this.name, ERR_REASON_UNSCHEDULABLE);

  filter(_state: unknown, pod: PodInfo, nodeInfo: NodeInfo): PluginResult {
    if (!nodeInfo.unschedulable) return null;
    return tolerationsTolerateTaint(pod.tolerations, UNSCHEDULABLE_TAINT) ? null : this.#rejected;
  }

  eventsToRegister() {
    return [clusterEvent('Node', ActionType.Add | ActionType.UpdateNodeTaint, 'NodeSchedulable')];
  }
}

export const newNodeUnschedulable = () => new NodeUnschedulablePlugin();
