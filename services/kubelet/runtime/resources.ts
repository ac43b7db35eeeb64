import { readFileSync } from 'node:fs';
import type { Container } from '../../../lib/api/generated/index.js';
import { cpuMillis, memoryBytes } from '../../../lib/quantity.js';
import { effectiveRequests, type QOSClass } from './qos.js';

/** The cgroup settings Kubernetes derives from a container's resources, in Docker's HostConfig terms. */
interface DockerResources {
  CpuShares: number;
  CpuQuota?: number;
  CpuPeriod?: number;
  Memory?: number;
  MemorySwap?: number;
  OomScoreAdj: number;
}

const MIN_SHARES = 2;
const SHARES_PER_CPU = 1024;
const CPU_PERIOD_US = 100_000;
const MIN_QUOTA_US = 1000;

const GUARANTEED_OOM_SCORE_ADJ = -997;
const BEST_EFFORT_OOM_SCORE_ADJ = 1000;
/** The pause container should be the last thing the OOM killer picks. */
export const SANDBOX_OOM_SCORE_ADJ = -998;

export function milliCPUToShares(milliCPU: number): number {
  if (milliCPU === 0) return MIN_SHARES;
  return Math.max(MIN_SHARES, Math.floor((milliCPU * SHARES_PER_CPU) / 1000));
}

export function milliCPUToQuota(milliCPU: number, periodUs: number = CPU_PERIOD_US): number {
  if (milliCPU === 0) return 0;
  return Math.max(MIN_QUOTA_US, Math.floor((milliCPU * periodUs) / 1000));
}

/** Kubernetes' GetContainerOOMScoreAdjust: guaranteed pods survive longest, best-effort die first. */
export function oomScoreAdjust(qos: QOSClass, memoryRequestBytes: number, nodeMemoryBytes: number): number {
  if (qos === 'Guaranteed') return GUARANTEED_OOM_SCORE_ADJ;
  if (qos === 'BestEffort') return BEST_EFFORT_OOM_SCORE_ADJ;
  const adjust = 1000 - Math.floor((1000 * memoryRequestBytes) / Math.max(1, nodeMemoryBytes));
  if (adjust < 1000 + GUARANTEED_OOM_SCORE_ADJ) return 1000 + GUARANTEED_OOM_SCORE_ADJ;
  if (adjust === BEST_EFFORT_OOM_SCORE_ADJ) return adjust - 1;
  return adjust;
}

const CAP_SYS_RESOURCE = 24n;

/**
 * The lowest OOM score adjustment containers may get here. Going below the caller's own score
 * needs CAP_SYS_RESOURCE, which some hosts (like these test machines) withhold even from root; there
 * runc fails to start a container asking for a negative score, so scores are clamped instead.
 * dockerd is assumed to run with the kubelet's capabilities (same host).
 */
export function oomScoreFloor(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
    if (capEff && (BigInt(`0x${capEff}`) >> CAP_SYS_RESOURCE) & 1n) return -1000;
    return Number(readFileSync('/proc/self/oom_score_adj', 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

/**
 * Shares come from the CPU request (a limit-only container requests its limit), quota and period
 * from the CPU limit, memory from the memory limit with no extra swap.
 */
export function dockerResources(container: Container, qos: QOSClass, nodeMemoryBytes: number, minOomScoreAdj = -1000): DockerResources {
  const limits = container.resources?.limits ?? {};
  const requests = effectiveRequests(container);
  const cpuLimit = limits.cpu !== undefined ? cpuMillis(limits.cpu) : 0;
  const cpuRequest = requests.cpu !== undefined ? cpuMillis(requests.cpu) : 0;
  const memoryLimit = limits.memory !== undefined ? memoryBytes(limits.memory) : 0;
  const memoryRequest = requests.memory !== undefined ? memoryBytes(requests.memory) : 0;
  const resources: DockerResources = {
    CpuShares: milliCPUToShares(cpuRequest),
    OomScoreAdj: Math.max(minOomScoreAdj, oomScoreAdjust(qos, memoryRequest, nodeMemoryBytes)),
  };
  if (cpuLimit > 0) {
    resources.CpuQuota = milliCPUToQuota(cpuLimit);
    resources.CpuPeriod = CPU_PERIOD_US;
  }
  if (memoryLimit > 0) {
    resources.Memory = memoryLimit;
    resources.MemorySwap = memoryLimit;
  }
  return resources;
}
