import type { Pod } from '../../../lib/api/generated/index.js';
import { cpuMillis, memoryBytes } from '../../../lib/quantity.js';

// Kubernetes' replica calculator for resource metrics: the usage ratio of the pods' average
// against the target, the replica count it asks for, and upstream's care with pods whose numbers
// would mislead: missing samples count as 100% of the request when scaling down and 0% when
// scaling up, and pods not yet ready (CPU within its initialization period) count as 0% and
// only when scaling up.

/** A ratio within 10% of 1 changes nothing, so the target is not chased through noise. */
export const TOLERANCE = 0.1;

export type ResourceName = 'cpu' | 'memory';

export interface ReadinessTiming {
  now: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period: 5 minutes. */
  cpuInitializationPeriodMs: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay: 30 seconds. */
  initialReadinessDelayMs: number;
}

export const DEFAULT_READINESS_TIMING: Omit<ReadinessTiming, 'now'> = { cpuInitializationPeriodMs: 5 * 60_000, initialReadinessDelayMs: 30_000 };

/** One pod's usage of the resource (millicores, bytes) and the sample's timing. */
export interface PodSample {
  value: number;
  timestamp: number;
  windowSeconds: number;
}

/** The target of a resource metric: a percentage of the requests, or an average usage per pod (millicores, bytes). */
export type ResourceTarget = { utilization: number } | { averageValue: number };

export interface ResourceReplicas {
  replicas: number;
  /** Average utilization in percent of the request (utilization targets only). */
  utilization?: number;
  /** Average usage per pod, in the resource's unit (millicores, bytes). */
  averageValue: number;
}

export class MetricError extends Error {}

function podReady(pod: Pod): { status: string; lastTransitionTime: number } | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready');
  return c ? { status: c.status ?? '', lastTransitionTime: Date.parse(c.lastTransitionTime ?? '') } : undefined;
}

/** Kubernetes' groupPods: which pods count, which lack a sample, which are not ready yet, which are ignored outright. */
function groupPods(pods: Pod[], samples: Map<string, PodSample>, resource: ResourceName, timing: ReadinessTiming) {
  const ready: string[] = [];
  const unready: string[] = [];
  const missing: string[] = [];
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === 'Failed') continue;
    if (pod.status?.phase === 'Pending') {
      unready.push(name);
      continue;
    }
    const sample = samples.get(name);
    if (!sample) {
      missing.push(name);
      continue;
    }
    if (resource === 'cpu' && cpuNotYetReady(pod, sample, timing)) unready.push(name);
    else ready.push(name);
  }
  return { ready, unready, missing };
}

/**
 * A pod's CPU sample is not trusted while the pod starts: within the initialization period unless
 * it is ready and the sample was taken after it became so; later, if it never became ready after
 * its first readiness delay.
 */
function cpuNotYetReady(pod: Pod, sample: PodSample, timing: ReadinessTiming): boolean {
  const ready = podReady(pod);
  const start = Date.parse(pod.status?.startTime ?? '');
  if (!ready || Number.isNaN(start)) return true;
  if (start + timing.cpuInitializationPeriodMs > timing.now) {
    return ready.status === 'False' || sample.timestamp - sample.windowSeconds * 1000 < ready.lastTransitionTime;
  }
  return ready.status === 'False' && start + timing.initialReadinessDelayMs > ready.lastTransitionTime;
}

/** A pod's request for the resource, summed over its containers; an error when one has none. */
function podRequest(pod: Pod, resource: ResourceName): number {
  let total = 0;
  for (const c of pod.spec?.containers ?? []) {
    const request = c.resources?.requests?.[resource];
    if (request === undefined) throw new MetricError(`missing request for ${resource} in container ${c.name ?? ''} of Pod ${pod.metadata?.name ?? ''}`);
    total += resource === 'cpu' ? cpuMillis(request) : memoryBytes(request);
  }
  return total;
}

function usageRatio(values: Map<string, number>, requests: Map<string, number>, target: ResourceTarget): { ratio: number; utilization?: number; averageValue: number } {
  let used = 0;
  let requested = 0;
  for (const [name, value] of values) {
    used += value;
    requested += requests.get(name) ?? 0;
  }
  const averageValue = Math.floor(used / values.size);
  if ('averageValue' in target) return { ratio: averageValue / target.averageValue, averageValue };
  if (requested === 0) throw new MetricError('no pod has a request for the resource');
  const utilization = Math.floor((used * 100) / requested);
  return { ratio: utilization / target.utilization, utilization, averageValue };
}

const withinTolerance = (ratio: number): boolean => Math.abs(1 - ratio) <= TOLERANCE;

/**
 * The replica count a resource metric asks for (Kubernetes' GetResourceReplicas and
 * GetRawResourceReplicas). pods are the target's pods; samples their usage by pod name.
 */
export function resourceReplicas(
  currentReplicas: number,
  pods: Pod[],
  samples: Map<string, PodSample>,
  resource: ResourceName,
  target: ResourceTarget,
  timing: ReadinessTiming,
): ResourceReplicas {
  if (pods.length === 0) throw new MetricError('no pods returned by selector while calculating replica count');
  const { ready, unready, missing } = groupPods(pods, samples, resource, timing);
  const needsRequests = 'utilization' in target;
  const requests = new Map(pods.map((p) => [p.metadata?.name ?? '', needsRequests ? podRequest(p, resource) : 0]));
  const values = new Map(ready.map((name) => [name, samples.get(name)!.value]));
  if (values.size === 0) throw new MetricError('did not receive metrics for targeted pods (pods might be unready)');

  const first = usageRatio(values, requests, target);
  const report = (replicas: number): ResourceReplicas => ({ replicas, averageValue: first.averageValue, ...(first.utilization !== undefined ? { utilization: first.utilization } : {}) });
  const scaleUpWithUnready = unready.length > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && missing.length === 0) {
    return report(withinTolerance(first.ratio) ? currentReplicas : Math.ceil(first.ratio * values.size));
  }

  // Fill in what the pods without a usable sample would do to the ratio, at their least helpful.
  for (const name of missing) {
    if (first.ratio < 1) values.set(name, 'utilization' in target ? (requests.get(name)! * Math.max(100, target.utilization)) / 100 : target.averageValue);
    else if (first.ratio > 1) values.set(name, 0);
  }
  if (scaleUpWithUnready) for (const name of unready) values.set(name, 0);
  const next = usageRatio(values, requests, target).ratio;
  if (withinTolerance(next) || (first.ratio > 1 && next < 1) || (first.ratio < 1 && next > 1)) return report(currentReplicas);
  const replicas = Math.ceil(next * values.size);
  if ((next < 1 && replicas > currentReplicas) || (next > 1 && replicas < currentReplicas)) return report(currentReplicas);
  return report(replicas);
}
