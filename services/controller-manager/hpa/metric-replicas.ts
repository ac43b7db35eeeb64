import type { MetricSpec, MetricStatus, Pod } from '../../../lib/api/generated/index.js';
import { cpuMillis, memoryBytes } from '../../../lib/quantity.js';
import type { PodUsage } from './metrics-source.js';
import { MetricError, resourceReplicas, type PodSample, type ReadinessTiming, type ResourceName, type ResourceTarget } from './replica-calculator.js';

// Kubernetes' computeReplicasForMetrics: each metric of the spec asks for a replica count; the
// autoscaler follows the largest. A metric that cannot be read is reported, and stops a scale
// down (the unread metric might have wanted more) but not a scale up.

export interface MetricFailure {
  /** The condition and event reason: FailedGetResourceMetric, FailedGetPodsMetric, ... */
  reason: string;
  message: string;
}

export interface MetricsOutcome {
  /** The largest count a metric asked for; undefined when no metric could be read. */
  replicas?: number;
  /** Which metric asked for it: `cpu resource utilization (percentage of request)`. */
  metricName: string;
  /** One status per metric of the spec, in its order; empty where the metric could not be read. */
  statuses: MetricStatus[];
  failures: MetricFailure[];
}

export interface MetricInputs {
  currentReplicas: number;
  pods: Pod[];
  usage: PodUsage[];
  timing: ReadinessTiming;
}

const SUPPORTED_RESOURCES = new Set<string>(['cpu', 'memory']);
const FAILURE_REASONS: Record<string, string> = {
  Resource: 'FailedGetResourceMetric',
  ContainerResource: 'FailedGetContainerResourceMetric',
  Pods: 'FailedGetPodsMetric',
  Object: 'FailedGetObjectMetric',
  External: 'FailedGetExternalMetric',
};

/** A byte count as Kubernetes writes it, in the largest binary unit that holds it exactly. */
export function formatBytes(bytes: number): string {
  for (const [suffix, size] of [['Gi', 1024 ** 3], ['Mi', 1024 ** 2], ['Ki', 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${suffix}`;
  }
  return String(bytes);
}

const formatUsage = (resource: ResourceName, value: number): string => (resource === 'cpu' ? `${value}m` : formatBytes(value));

function samplesOf(usage: PodUsage[], resource: ResourceName): Map<string, PodSample> {
  return new Map(
    usage.map((u) => [
      u.name,
      { value: u.containers.reduce((sum, c) => sum + (resource === 'cpu' ? c.cpuMillis : c.memoryBytes), 0), timestamp: u.timestamp.getTime(), windowSeconds: u.windowSeconds },
    ]),
  );
}

function resourceMetric(metric: MetricSpec, inputs: MetricInputs): { replicas: number; name: string; status: MetricStatus } {
  const name = metric.resource?.name ?? '';
  const target = metric.resource?.target ?? {};
  if (!SUPPORTED_RESOURCES.has(name)) throw new MetricError(`failed to get ${name} usage: unable to get metrics for resource ${name}: the resource metrics API reports cpu and memory only`);
  const resource = name as ResourceName;
  const utilization = target.type === 'Utilization';
  const goal: ResourceTarget = utilization
    ? { utilization: target.averageUtilization ?? 0 }
    : { averageValue: resource === 'cpu' ? cpuMillis(target.averageValue ?? '0') : memoryBytes(target.averageValue ?? '0') };
  const what = utilization ? `${name} utilization` : `${name} usage`;
  if (inputs.usage.length === 0) throw new MetricError(`failed to get ${what}: unable to get metrics for resource ${name}: no metrics returned from resource metrics API`);
  let result;
  try {
    result = resourceReplicas(inputs.currentReplicas, inputs.pods, samplesOf(inputs.usage, resource), resource, goal, inputs.timing);
  } catch (err) {
    if (err instanceof MetricError) throw new MetricError(`failed to get ${what}: ${err.message}`);
    throw err;
  }
  const current = { averageValue: formatUsage(resource, result.averageValue), ...(result.utilization !== undefined ? { averageUtilization: result.utilization } : {}) };
  return {
    replicas: result.replicas,
    name: utilization ? `${name} resource utilization (percentage of request)` : `${name} resource`,
    status: { type: 'Resource', resource: { name, current } },
  };
}

/** Why a metric kind kubets has no source for cannot be read. */
function unsupported(metric: MetricSpec): string {
  if (metric.type === 'ContainerResource') return `unable to get metrics for container resource ${metric.containerResource?.name ?? ''}: per-container targets are not supported by this controller`;
  const name = metric.pods?.metric?.name ?? metric.object?.metric?.name ?? metric.external?.metric?.name ?? '';
  return `unable to get metric ${name}: no ${metric.type === 'External' ? 'external' : 'custom'} metrics API is served in this cluster`;
}

export function replicasForMetrics(metrics: MetricSpec[], inputs: MetricInputs): MetricsOutcome {
  const outcome: MetricsOutcome = { metricName: '', statuses: [], failures: [] };
  for (const metric of metrics) {
    try {
      if (metric.type !== 'Resource') throw new MetricError(unsupported(metric));
      const { replicas, name, status } = resourceMetric(metric, inputs);
      outcome.statuses.push(status);
      if (outcome.replicas === undefined || replicas > outcome.replicas) {
        outcome.replicas = replicas;
        outcome.metricName = name;
      }
    } catch (err) {
      if (!(err instanceof MetricError)) throw err;
      outcome.statuses.push({});
      outcome.failures.push({ reason: FAILURE_REASONS[metric.type ?? ''] ?? 'FailedGetResourceMetric', message: err.message });
    }
  }
  return outcome;
}
