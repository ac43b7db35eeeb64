import { badRequest } from '../errors.js';
import type * as t from '../generated/index.js';
import type { VersionConverter } from './index.js';

// autoscaling/v1 HorizontalPodAutoscalers to and from autoscaling/v2, as Kubernetes converts
// them: v1's one CPU target is v2's Resource cpu metric of type Utilization; what v1 cannot say
// (other metrics, behavior, their current values, conditions) travels in annotations, so a v1
// client's read-modify-write keeps it.

export const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
const ROUND_TRIP_ANNOTATIONS = [METRICS_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION, BEHAVIOR_ANNOTATION];

const isCpuUtilization = (m: t.MetricSpec): boolean => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target?.type === 'Utilization';
const isCpuUtilizationStatus = (m: t.MetricStatus): boolean => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.current?.averageUtilization !== undefined;

function parseAnnotation<T>(annotations: Record<string, string>, key: string): T | undefined {
  const text = annotations[key];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw badRequest(`metadata.annotations[${key}]: Invalid value: not a JSON document`);
  }
}

function withoutRoundTripAnnotations(meta: t.ObjectMeta | undefined): t.ObjectMeta {
  const annotations = Object.fromEntries(Object.entries(meta?.annotations ?? {}).filter(([k]) => !ROUND_TRIP_ANNOTATIONS.includes(k)));
  return { ...meta, annotations };
}

/** What autoscaling/v2 has and v1 has not (v1 carries them in the annotations above). */
const V2_ONLY_FIELDS = ['spec.metrics', 'spec.behavior', 'status.currentMetrics', 'status.conditions'];

function isSet(hpa: t.HorizontalPodAutoscaler, path: string): boolean {
  const value = path.split('.').reduce<unknown>((o, key) => (o as Record<string, unknown> | undefined)?.[key], hpa);
  return Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null;
}

function refuseV2Fields(hpa: t.HorizontalPodAutoscaler): void {
  const present = V2_ONLY_FIELDS.filter((path) => isSet(hpa, path));
  if (present.length > 0) throw badRequest(`HorizontalPodAutoscaler in version "v1" cannot be handled as a HorizontalPodAutoscaler: strict decoding error: ${present.map((p) => `unknown field "${p}"`).join(', ')}`);
}

function v1ToV2(hpa: t.HorizontalPodAutoscaler): t.HorizontalPodAutoscaler {
  refuseV2Fields(hpa);
  const annotations = hpa.metadata?.annotations ?? {};
  const { targetCPUUtilizationPercentage: cpu, ...spec } = hpa.spec ?? {};
  const metrics: t.MetricSpec[] = [];
  if (cpu !== undefined && cpu !== null) metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpu } } });
  metrics.push(...(parseAnnotation<t.MetricSpec[]>(annotations, METRICS_ANNOTATION) ?? []));
  const behavior = parseAnnotation<t.HorizontalPodAutoscalerBehavior>(annotations, BEHAVIOR_ANNOTATION);
  const out: t.HorizontalPodAutoscaler = { ...hpa, metadata: withoutRoundTripAnnotations(hpa.metadata), spec: { ...spec, metrics, ...(behavior ? { behavior } : {}) } };
  if (hpa.status) {
    const { currentCPUUtilizationPercentage: current, ...status } = hpa.status;
    const currentMetrics: t.MetricStatus[] = [];
    if (current !== undefined && current !== null) currentMetrics.push({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } });
    currentMetrics.push(...(parseAnnotation<t.MetricStatus[]>(annotations, CURRENT_METRICS_ANNOTATION) ?? []));
    out.status = { ...status, currentMetrics, conditions: parseAnnotation<t.HorizontalPodAutoscalerCondition[]>(annotations, CONDITIONS_ANNOTATION) ?? [] };
  }
  return out;
}

function v2ToV1(hpa: t.HorizontalPodAutoscaler): t.HorizontalPodAutoscaler {
  const { metrics = [], behavior, ...spec } = hpa.spec ?? {};
  const annotations: Record<string, string> = { ...withoutRoundTripAnnotations(hpa.metadata).annotations };
  const cpu = metrics.find(isCpuUtilization);
  const others = metrics.filter((m) => m !== cpu);
  if (others.length > 0) annotations[METRICS_ANNOTATION] = JSON.stringify(others);
  if (behavior) annotations[BEHAVIOR_ANNOTATION] = JSON.stringify(behavior);
  const out: t.HorizontalPodAutoscaler = { ...hpa, spec: { ...spec } };
  if (cpu?.resource?.target?.averageUtilization !== undefined) out.spec!.targetCPUUtilizationPercentage = cpu.resource.target.averageUtilization;
  if (hpa.status) {
    const { currentMetrics = [], conditions = [], ...status } = hpa.status;
    const current = currentMetrics.find(isCpuUtilizationStatus);
    const otherCurrent = currentMetrics.filter((m) => m !== current);
    if (otherCurrent.length > 0) annotations[CURRENT_METRICS_ANNOTATION] = JSON.stringify(otherCurrent);
    if (conditions.length > 0) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(conditions);
    out.status = { ...status };
    if (current?.resource?.current?.averageUtilization !== undefined) out.status.currentCPUUtilizationPercentage = current.resource.current.averageUtilization;
  }
  out.metadata = { ...hpa.metadata, annotations };
  return out;
}

export const horizontalPodAutoscalerV1: VersionConverter<t.HorizontalPodAutoscaler> = { toStored: v1ToV2, fromStored: v2ToV1, absentFields: V2_ONLY_FIELDS };
