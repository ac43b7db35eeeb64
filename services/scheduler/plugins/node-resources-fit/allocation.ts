import { MAX_NODE_SCORE } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';

/**
 * Requested and allocatable cpu and memory after placing `pod` on the node: the inputs of
 * kube-scheduler's resourceAllocationScorer for its default resources (cpu and memory, weight 1
 * each). `useRequested` false counts containers without requests at the default 100m / 200Mi,
 * so best-effort pods still spread (LeastAllocated); true uses the real requests
 * (BalancedAllocation).
 */
export interface Allocation {
  cpuRequested: number;
  cpuAllocatable: number;
  memRequested: number;
  memAllocatable: number;
}

export function allocationAfter(pod: PodInfo, nodeInfo: NodeInfo, useRequested: boolean, out: Allocation): Allocation {
  out.cpuAllocatable = nodeInfo.allocatableMilliCPU;
  out.memAllocatable = nodeInfo.allocatableMemory;
  if (useRequested) {
    out.cpuRequested = nodeInfo.requestedMilliCPU + pod.requests.milliCPU;
    out.memRequested = nodeInfo.requestedMemory + pod.requests.memory;
  } else {
    out.cpuRequested = nodeInfo.nonZeroMilliCPU + pod.nonZeroMilliCPU;
    out.memRequested = nodeInfo.nonZeroMemory + pod.nonZeroMemory;
  }
  return out;
}

function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** kube-scheduler's LeastAllocated strategy: the weighted mean of the free share of each resource. */
export function leastAllocatedScore(a: Allocation): number {
  let score = 0;
  let weights = 0;
  if (a.cpuAllocatable !== 0) {
    score += leastRequestedScore(a.cpuRequested, a.cpuAllocatable);
    weights++;
  }
  if (a.memAllocatable !== 0) {
    score += leastRequestedScore(a.memRequested, a.memAllocatable);
    weights++;
  }
  return weights === 0 ? 0 : Math.trunc(score / weights);
}

/** kube-scheduler's balancedResourceScorer for two resources: (1 - |f_cpu - f_mem| / 2) × 100. */
export function balancedAllocationScore(a: Allocation): number {
  // With fewer than two resources there is nothing to balance (std 0).
  if (a.cpuAllocatable === 0 || a.memAllocatable === 0) return MAX_NODE_SCORE;
  const cpu = Math.min(1, a.cpuRequested / a.cpuAllocatable);
  const mem = Math.min(1, a.memRequested / a.memAllocatable);
  return Math.trunc((1 - Math.abs((cpu - mem) / 2)) * MAX_NODE_SCORE);
}
