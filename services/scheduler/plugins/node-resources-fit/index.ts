import type { CycleState } from '../../framework/cycle-state.js';
import { ActionType, clusterEvent } from '../../framework/events.js';
import type { EnqueueExtensions, FilterPlugin, ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { RESOURCE_CPU, RESOURCE_EPHEMERAL_STORAGE, RESOURCE_MEMORY, type Resource } from '../../framework/resources.js';
import { Status, type PluginResult } from '../../framework/status.js';
import * as names from '../names.js';
import { allocationAfter, leastAllocatedScore, type Allocation } from './allocation.js';

const ERR_REASON_TOO_MANY_PODS = 'Too many pods';
const insufficientReason = (resource: string): string => `Insufficient ${resource}`;

/** One insufficient resource, as kube-scheduler's InsufficientResource reports it. */
interface InsufficientResource {
  resourceName: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
}

/**
 * The resources the node lacks for the pod, in kube-scheduler's order: pod count, cpu, memory,
 * ephemeral storage, then extended resources. A resource the pod does not request never fails.
 */
function insufficientResources(pod: PodInfo, nodeInfo: NodeInfo): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const alloc = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  if (nodeInfo.pods.length + 1 > alloc.allowedPodNumber) {
    out.push({ resourceName: 'pods', reason: ERR_REASON_TOO_MANY_PODS, requested: 1, used: nodeInfo.pods.length, capacity: alloc.allowedPodNumber });
  }
  const req: Resource = pod.requests;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) {
    out.push({ resourceName: RESOURCE_CPU, reason: insufficientReason(RESOURCE_CPU), requested: req.milliCPU, used: used.milliCPU, capacity: alloc.milliCPU });
  }
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) {
    out.push({ resourceName: RESOURCE_MEMORY, reason: insufficientReason(RESOURCE_MEMORY), requested: req.memory, used: used.memory, capacity: alloc.memory });
  }
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
    out.push({
      resourceName: RESOURCE_EPHEMERAL_STORAGE,
      reason: insufficientReason(RESOURCE_EPHEMERAL_STORAGE),
      requested: req.ephemeralStorage,
      used: used.ephemeralStorage,
      capacity: alloc.ephemeralStorage,
    });
  }
  if (req.scalar) {
    for (const [name, amount] of req.scalar) {
      if (amount === 0) continue;
      const capacity = alloc.scalar?.get(name) ?? 0;
      const inUse = used.scalar?.get(name) ?? 0;
      if (amount > capacity - inUse) {
        out.push({ resourceName: name, reason: insufficientReason(name), requested: amount, used: inUse, capacity });
      }
    }
  }
  return out;
}

/** The allocation-free check the filter runs on every node; details only on failure. */
function fits(pod: PodInfo, n: NodeInfo): boolean {
  const req = pod.requests;
  if (req.milliCPU > 0 && req.milliCPU > n.allocatableMilliCPU - n.requestedMilliCPU) return false;
  if (req.memory > 0 && req.memory > n.allocatableMemory - n.requestedMemory) return false;
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > n.allocatableEphemeralStorage - n.requestedEphemeralStorage) return false;
  if (req.scalar) {
    for (const [name, amount] of req.scalar) {
      if (amount > 0 && amount > (n.allocatable.scalar?.get(name) ?? 0) - (n.requestedScalar?.get(name) ?? 0)) return false;
    }
  }
  return n.pods.length + 1 <= n.allowedPodNumber;
}

/**
 * Filter: the node has room for the pod's requests (cpu, memory, ephemeral storage, extended
 * resources) and one more pod. Score: LeastAllocated, preferring emptier nodes.
 */
class NodeResourcesFitPlugin implements FilterPlugin, ScorePlugin, EnqueueExtensions {
  readonly name = names.NodeResourcesFit;
  /** Statuses by reason list, so identical rejections share one object. */
  readonly #statuses = new Map<string, Status>();
  readonly #scratch: Allocation = { cpuRequested: 0, cpuAllocatable: 0, memRequested: 0, memAllocatable: 0 };

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): PluginResult {
    if (fits(pod, nodeInfo)) return null;
    const insufficient = insufficientResources(pod, nodeInfo);
    const reasons = insufficient.map((r) => r.reason);
    const key = reasons.join('\n');
    let status = this.#statuses.get(key);
    if (!status) {
      status = Status.unschedulable(this.name, ...reasons);
      if (this.#statuses.size < 1000) this.#statuses.set(key, status);
    }
    return status;
  }

  score(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    return leastAllocatedScore(allocationAfter(pod, nodeInfo, false, this.#scratch));
  }

  eventsToRegister() {
    return [
      clusterEvent('AssignedPod', ActionType.Delete | ActionType.UpdatePodScaleDown, 'AssignedPodDelete'),
      clusterEvent('Node', ActionType.Add | ActionType.UpdateNodeAllocatable, 'NodeAllocatableChange'),
    ];
  }
}

export const newNodeResourcesFit = () => new NodeResourcesFitPlugin();
