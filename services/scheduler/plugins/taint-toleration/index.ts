import type { Taint, Toleration } from '../../../../lib/api/generated/index.js';
import type { CycleState, StateData } from '../../framework/cycle-state.js';
import { ActionType, clusterEvent } from '../../framework/events.js';
import type { EnqueueExtensions, FilterPlugin, PreScorePlugin, ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import { defaultNormalizeScore } from '../../framework/normalize.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status, type PluginResult } from '../../framework/status.js';
import {
  TAINT_NO_EXECUTE,
  TAINT_NO_SCHEDULE,
  TAINT_PREFER_NO_SCHEDULE,
  findUntoleratedTaint,
  tolerationsTolerateTaint,
} from '../../../../lib/api/taints.js';
import * as names from '../names.js';

/** kube-scheduler's wording: `node(s) had untolerated taint {dedicated: gpu}`. */
function untoleratedTaintReason(taint: Taint): string {
  return `node(s) had untolerated taint {${taint.key ?? ''}: ${taint.value ?? ''}}`;
}

const blocksScheduling = (t: Taint): boolean => t.effect === TAINT_NO_SCHEDULE || t.effect === TAINT_NO_EXECUTE;

const prefersNoSchedule = (t: Taint): boolean => t.effect === TAINT_PREFER_NO_SCHEDULE;

const PRE_SCORE_KEY = `PreScore${names.TaintToleration}`;

class PreScoreState implements StateData {
  constructor(readonly tolerationsPreferNoSchedule: readonly Toleration[]) {}
  clone(): StateData {
    return this;
  }
}

/**
 * Filter: a pod must tolerate every NoSchedule and NoExecute taint. Score: fewer untolerated
 * PreferNoSchedule taints is better.
 */
class TaintTolerationPlugin implements FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = names.TaintToleration;
  /** Statuses by reason, so rejecting thousands of nodes with the same taint allocates once. */
  readonly #rejections = new Map<string, Status>();
  readonly #skip = Status.skip(this.name);

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): PluginResult {
    if (nodeInfo.taints.length === 0) return null;
    const taint = findUntoleratedTaint(nodeInfo.taints, pod.tolerations, blocksScheduling);
    if (!taint) return null;
    const reason = untoleratedTaintReason(taint);
    let status = this.#rejections.get(reason);
    if (!status) {
      status = Status.unresolvable(this.name, reason);
      if (this.#rejections.size < 1000) this.#rejections.set(reason, status);
    }
    return status;
  }

  /**
   * Skip when no feasible node has a PreferNoSchedule taint: every node would score the same,
   * which changes no ranking, and the common untainted cluster saves a pass over its nodes.
   */
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): PluginResult {
    if (!nodes.some((n) => n.taints.some(prefersNoSchedule))) return this.#skip;
    // An empty effect tolerates every effect, PreferNoSchedule included.
    const tolerations = pod.tolerations.filter((t) => !t.effect || t.effect === TAINT_PREFER_NO_SCHEDULE);
    state.write(PRE_SCORE_KEY, new PreScoreState(tolerations));
    return null;
  }

  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number {
    if (nodeInfo.taints.length === 0) return 0;
    const tolerations = state.read<PreScoreState>(PRE_SCORE_KEY)?.tolerationsPreferNoSchedule ?? [];
    let intolerable = 0;
    for (const taint of nodeInfo.taints) {
      if (taint.effect === TAINT_PREFER_NO_SCHEDULE && !tolerationsTolerateTaint(tolerations, taint)) intolerable++;
    }
    return intolerable;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, _nodes: readonly NodeInfo[], scores: number[]): void {
    defaultNormalizeScore(scores, true);
  }

  eventsToRegister() {
    return [clusterEvent('Node', ActionType.Add | ActionType.UpdateNodeTaint, 'NodeTaintChange')];
  }
}

export const newTaintToleration = () => new TaintTolerationPlugin();
