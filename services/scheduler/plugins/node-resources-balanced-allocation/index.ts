import type { CycleState } from '../../framework/cycle-state.js';
import type { PreScorePlugin, ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status, type PluginResult } from '../../framework/status.js';
import * as names from '../names.js';
import { allocationAfter, balancedAllocationScore, type Allocation } from '../node-resources-fit/allocation.js';

/**
 * Prefers nodes whose cpu and memory would be used in equal shares. Best-effort pods skip it,
 * as in kube-scheduler (otherwise they would all pile onto the same "balanced" node).
 */
class BalancedAllocationPlugin implements PreScorePlugin, ScorePlugin {
  readonly name = names.NodeResourcesBalancedAllocation;
  readonly #skip = Status.skip(this.name);
  readonly #scratch: Allocation = { cpuRequested: 0, cpuAllocatable: 0, memRequested: 0, memAllocatable: 0 };

  preScore(_state: CycleState, pod: PodInfo): PluginResult {
    return pod.requests.milliCPU === 0 && pod.requests.memory === 0 ? this.#skip : null;
  }

  score(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    return balancedAllocationScore(allocationAfter(pod, nodeInfo, true, this.#scratch));
  }
}

export const newBalancedAllocation = () => new BalancedAllocationPlugin();
