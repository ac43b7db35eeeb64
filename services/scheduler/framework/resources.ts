import type { Container } from '../../../lib/api/generated/index.js';
import { cpuMillis, memoryBytes } from '../../../lib/quantity.js';

export const RESOURCE_CPU = 'cpu';
export const RESOURCE_MEMORY = 'memory';
export const RESOURCE_EPHEMERAL_STORAGE = 'ephemeral-storage';
const RESOURCE_PODS = 'pods';

/** What kube-scheduler assumes a container without a cpu/memory request uses, for scoring only. */
const DEFAULT_MILLI_CPU_REQUEST = 100;
const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/**
 * Amounts of resources as plain numbers (cpu in millicores, the rest in whole units), parsed
 * once from quantity strings so the per-node checks are integer comparisons.
 */
export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended resources (`example.com/gpu`, `hugepages-2Mi`); absent when there are none. */
  scalar: Map<string, number> | undefined;
}

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: undefined };
}

/** Resources the scheduler accounts for besides cpu, memory and ephemeral storage. */
function isScalarResourceName(name: string): boolean {
  return name.startsWith('hugepages-') || (name.includes('/') && !name.startsWith('kubernetes.io/'));
}

function addInto(into: Resource, other: Resource): void {
  into.milliCPU += other.milliCPU;
  into.memory += other.memory;
  into.ephemeralStorage += other.ephemeralStorage;
  if (other.scalar) {
    into.scalar ??= new Map();
    for (const [name, amount] of other.scalar) into.scalar.set(name, (into.scalar.get(name) ?? 0) + amount);
  }
}

class InvalidResourceError extends Error {
  override readonly name = 'InvalidResourceError';
}

type ResourceList = { [name: string]: string } | undefined;

/**
 * A container's effective requests: the API defaults a missing request to the limit, so a
 * stored pod with only limits requests its limits.
 */
function effectiveRequests(container: Container): Array<[string, string]> {
  const requests: ResourceList = container.resources?.requests;
  const limits: ResourceList = container.resources?.limits;
  const out: Array<[string, string]> = requests ? Object.entries(requests) : [];
  if (limits) {
    for (const [name, value] of Object.entries(limits)) {
      if (!requests || !(name in requests)) out.push([name, value]);
    }
  }
  return out;
}

function parseAmount(name: string, value: string): number {
  try {
    return name === RESOURCE_CPU ? cpuMillis(value) : memoryBytes(value);
  } catch (err) {
    throw new InvalidResourceError(`invalid quantity ${JSON.stringify(value)} for resource ${name}: ${(err as Error).message}`);
  }
}

function containerRequest(container: Container): Resource {
  const r = emptyResource();
  for (const [name, value] of effectiveRequests(container)) {
    const amount = parseAmount(name, value);
    if (name === RESOURCE_CPU) r.milliCPU = amount;
    else if (name === RESOURCE_MEMORY) r.memory = amount;
    else if (name === RESOURCE_EPHEMERAL_STORAGE) r.ephemeralStorage = amount;
    else if (isScalarResourceName(name)) (r.scalar ??= new Map()).set(name, amount);
  }
  return r;
}

function maxInto(into: Resource, other: Resource): void {
  into.milliCPU = Math.max(into.milliCPU, other.milliCPU);
  into.memory = Math.max(into.memory, other.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, other.ephemeralStorage);
  if (other.scalar) {
    into.scalar ??= new Map();
    for (const [name, amount] of other.scalar) into.scalar.set(name, Math.max(into.scalar.get(name) ?? 0, amount));
  }
}

interface PodRequests {
  /** Sum over containers, raised to the largest init container (they run one at a time). */
  requests: Resource;
  /** The same with kube-scheduler's defaults for missing cpu/memory requests; used for scoring. */
  nonZeroMilliCPU: number;
  nonZeroMemory: number;
}

/** Computes a pod's requests; throws InvalidResourceError on an unparsable quantity. */
export function computePodRequests(containers: readonly Container[], initContainers: readonly Container[]): PodRequests {
  const requests = emptyResource();
  let nonZeroMilliCPU = 0;
  let nonZeroMemory = 0;
  for (const c of containers) {
    const r = containerRequest(c);
    addInto(requests, r);
    nonZeroMilliCPU += r.milliCPU === 0 ? DEFAULT_MILLI_CPU_REQUEST : r.milliCPU;
    nonZeroMemory += r.memory === 0 ? DEFAULT_MEMORY_REQUEST : r.memory;
  }
  for (const c of initContainers) {
    const r = containerRequest(c);
    maxInto(requests, r);
    nonZeroMilliCPU = Math.max(nonZeroMilliCPU, r.milliCPU === 0 ? DEFAULT_MILLI_CPU_REQUEST : r.milliCPU);
    nonZeroMemory = Math.max(nonZeroMemory, r.memory === 0 ? DEFAULT_MEMORY_REQUEST : r.memory);
  }
  return { requests, nonZeroMilliCPU, nonZeroMemory };
}

export interface NodeAllocatable extends Resource {
  allowedPodNumber: number;
}

/**
 * A node's allocatable resources. A resource missing from `allocatable` falls back to
 * `capacity` (hollow nodes in tests and benchmarks often only set capacity).
 */
export function parseAllocatable(allocatable: ResourceList, capacity: ResourceList): NodeAllocatable {
  const merged: Record<string, string> = { ...(capacity ?? {}), ...(allocatable ?? {}) };
  const r: NodeAllocatable = { ...emptyResource(), allowedPodNumber: 0 };
  for (const [name, value] of Object.entries(merged)) {
    let amount: number;
    try {
      amount = parseAmount(name, value);
    } catch {
      // An unparsable node quantity offers nothing rather than stopping the scheduler.
      amount = 0;
    }
    if (name === RESOURCE_CPU) r.milliCPU = amount;
    else if (name === RESOURCE_MEMORY) r.memory = amount;
    else if (name === RESOURCE_EPHEMERAL_STORAGE) r.ephemeralStorage = amount;
    else if (name === RESOURCE_PODS) r.allowedPodNumber = amount;
    else if (isScalarResourceName(name)) (r.scalar ??= new Map()).set(name, amount);
  }
  return r;
}
