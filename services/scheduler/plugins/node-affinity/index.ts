import type { CycleState } from '../../framework/cycle-state.js';
import { ActionType, clusterEvent } from '../../framework/events.js';
import type { EnqueueExtensions, FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import { defaultNormalizeScore } from '../../framework/normalize.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status, type PluginResult } from '../../framework/status.js';
import * as names from '../names.js';

/** kube-scheduler's ErrReasonPod. */
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";

/**
 * Filter: `spec.nodeSelector` and the required node affinity (In, NotIn, Exists, DoesNotExist,
 * Gt, Lt; matchFields on metadata.name). Score: the summed weights of matching preferred terms.
 */
class NodeAffinityPlugin implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = names.NodeAffinity;
  readonly #rejected = Status.unresolvable(this.name, ERR_REASON_POD);
  readonly #skip = Status.skip(this.name);

  preFilter(_state: CycleState, pod: PodInfo): PluginResult {
    return pod.requiredNodeAffinity.isEmpty() ? this.#skip : null;
  }

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): PluginResult {
    return pod.requiredNodeAffinity.matches(nodeInfo.labels, nodeInfo.name) ? null : this.#rejected;
  }

  preScore(_state: CycleState, pod: PodInfo): PluginResult {
    return pod.preferredNodeTerms.length === 0 ? this.#skip : null;
  }

  score(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    let total = 0;
    for (const t of pod.preferredNodeTerms) {
      if (t.weight !== 0 && t.matches(nodeInfo.labels, nodeInfo.name)) total += t.weight;
    }
    return total;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, _nodes: readonly NodeInfo[], scores: number[]): void {
    defaultNormalizeScore(scores, false);
  }

  eventsToRegister() {
    return [clusterEvent('Node', ActionType.Add | ActionType.UpdateNodeLabel, 'NodeLabelChange')];
  }
}

export const newNodeAffinity = () => new NodeAffinityPlugin();
