import { describe, expect, it } from 'vitest';
import type { HorizontalPodAutoscaler } from '../generated/index.js';
import { resourceByField, resourceByRequestName, resourceForApiVersion, versionedResource } from '../resources.js';
import { fromStoredVersion, toStoredVersion } from './index.js';

const v1 = versionedResource(resourceByField('horizontalPodAutoscaler'), 'v1')!;

const v2Object = (): HorizontalPodAutoscaler => ({
  metadata: { name: 'web', namespace: 'default', annotations: { team: 'a' } },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
    ],
    behavior: { scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 30 }] } },
  },
  status: {
    currentReplicas: 3,
    desiredReplicas: 3,
    currentMetrics: [
      { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45, averageValue: '90m' } } },
      { type: 'Resource', resource: { name: 'memory', current: { averageValue: '12Mi' } } },
    ],
    conditions: [{ type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' }],
  },
});

describe('autoscaling/v1 HorizontalPodAutoscaler conversion', () => {
  it('names the version views', () => {
    expect(v1.apiVersion).toBe('autoscaling/v1');
    expect(resourceByRequestName('horizontalpodautoscalers.v1.autoscaling')).toBe(v1);
    expect(resourceByRequestName('horizontalpodautoscalers.v3.autoscaling')).toBeUndefined();
    expect(resourceForApiVersion(v1, 'autoscaling/v2')).toBe(resourceByField('horizontalPodAutoscaler'));
    expect(resourceForApiVersion(v1, 'autoscaling/v1')).toBe(v1);
  });

  it('shows the CPU utilization target as v1 fields and the rest in annotations', () => {
    const out = fromStoredVersion(v1, v2Object()) as HorizontalPodAutoscaler;
    expect(out.spec).toEqual({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 60 });
    expect(out.status).toEqual({ currentReplicas: 3, desiredReplicas: 3, currentCPUUtilizationPercentage: 45 });
    const annotations = out.metadata!.annotations!;
    expect(annotations.team).toBe('a');
    expect(JSON.parse(annotations['autoscaling.alpha.kubernetes.io/metrics']!)).toEqual([v2Object().spec!.metrics![0]]);
    expect(JSON.parse(annotations['autoscaling.alpha.kubernetes.io/current-metrics']!)).toEqual([v2Object().status!.currentMetrics![1]]);
    expect(JSON.parse(annotations['autoscaling.alpha.kubernetes.io/behavior']!)).toEqual(v2Object().spec!.behavior);
    expect(JSON.parse(annotations['autoscaling.alpha.kubernetes.io/conditions']!)).toEqual(v2Object().status!.conditions);
  });

  it('keeps every v2 field over a v1 round trip (the CPU metric first)', () => {
    const back = toStoredVersion(v1, fromStoredVersion(v1, v2Object())) as HorizontalPodAutoscaler;
    const want = v2Object();
    want.spec!.metrics = [want.spec!.metrics![1]!, want.spec!.metrics![0]!];
    want.status!.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45 } } }, want.status!.currentMetrics![1]!];
    expect(back).toEqual(want);
  });

  it('turns a plain v1 object into v2', () => {
    const back = toStoredVersion(v1, { metadata: { name: 'web' }, spec: { maxReplicas: 4, targetCPUUtilizationPercentage: 70, scaleTargetRef: { kind: 'ReplicaSet', name: 'web' } } }) as HorizontalPodAutoscaler;
    expect(back.spec).toEqual({ maxReplicas: 4, scaleTargetRef: { kind: 'ReplicaSet', name: 'web' }, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] });
  });

  it('refuses v2 fields in a v1 object and broken round-trip annotations', () => {
    expect(() => toStoredVersion(v1, { metadata: { name: 'web' }, spec: { metrics: [{ type: 'Pods' }] } })).toThrow('unknown field "spec.metrics"');
    expect(() => toStoredVersion(v1, { metadata: { name: 'web', annotations: { 'autoscaling.alpha.kubernetes.io/metrics': '[' } }, spec: {} })).toThrow(
      'metadata.annotations[autoscaling.alpha.kubernetes.io/metrics]: Invalid value',
    );
  });
});
