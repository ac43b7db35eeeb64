import { describe, expect, it } from 'vitest';
import type { HorizontalPodAutoscaler, MetricSpec, Pod } from '../../../lib/api/generated/index.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { HorizontalPodAutoscalerController } from './hpa-controller.js';
import type { PodMetricsSource, PodUsage } from './metrics-source.js';

const cpuTarget = (percent: number): MetricSpec => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: percent } } });

const hpa = (min: number, max: number, kind = 'ReplicaSet', metrics = [cpuTarget(50)]): HorizontalPodAutoscaler => ({
  metadata: { name: 'web', namespace: 'default' },
  spec: { minReplicas: min, maxReplicas: max, scaleTargetRef: { kind, name: 'web', apiVersion: 'apps/v1' }, metrics },
});

const runningPod = (name: string): Pod => ({
  metadata: { name, namespace: 'default', labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image: 'busybox', resources: { requests: { cpu: '500m' } } }] },
  status: { phase: 'Running', startTime: '2020-01-01T00:00:00Z', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2020-01-01T00:00:10Z' }] },
});

/** Usage the test sets per pod name, sampled "now". */
class InMemoryMetrics implements PodMetricsSource {
  cpuMillis = new Map<string, number>();
  async podMetrics(): Promise<PodUsage[]> {
    return [...this.cpuMillis].map(([name, cpu]) => ({ name, timestamp: new Date(), windowSeconds: 15, containers: [{ name: 'app', cpuMillis: cpu, memoryBytes: 0 }] }));
  }
}

describe('HorizontalPodAutoscalerController', () => {
  const env = useControllerTestEnv();

  async function replicaSetWithPods(replicas: number): Promise<void> {
    await env.client.resource('replicaSet').create({ metadata: { name: 'web', namespace: 'default' }, spec: { replicas, selector: { matchLabels: { app: 'web' } } } });
    for (let i = 0; i < replicas; i++) await env.client.resource('pod').create(runningPod(`web-${i}`));
  }

  const events = async (): Promise<string[]> => (await env.client.resource('event').list('default')).items.map((e) => `${e.reason}: ${e.message}`);
  const replicasOf = async (): Promise<number | undefined> => (await env.client.resource('replicaSet').get('default', 'web')).spec?.replicas;

  it('scales the target into [min, max] through the scale subresource and reports status', async () => {
    await env.client.resource('deployment').create({ metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 12 } });
    await env.client.resource('horizontalPodAutoscaler').create(hpa(1, 10, 'Deployment'));
    await env.ctx.start(new HorizontalPodAutoscalerController(env.ctx, { syncPeriodMs: 100 }));
    await eventually(async () => (await env.client.resource('deployment').get('default', 'web')).spec?.replicas === 10);
    const status = await eventually(async () => {
      const s = (await env.client.resource('horizontalPodAutoscaler').get('default', 'web')).status;
      return s?.currentReplicas === 10 ? s : undefined;
    });
    expect(status).toMatchObject({ currentReplicas: 10, desiredReplicas: 10 });
    expect(status.lastScaleTime).toMatch(/Z$/);
    expect(await events()).toContain('SuccessfulRescale: New size: 10; reason: Current number of replicas above Spec.MaxReplicas');
  });

  it('scales up on CPU utilization above target, with Kubernetes\' event and conditions', async () => {
    const metrics = new InMemoryMetrics();
    await replicaSetWithPods(2);
    metrics.cpuMillis.set('web-0', 500).set('web-1', 500);
    await env.client.resource('horizontalPodAutoscaler').create(hpa(1, 10));
    await env.ctx.start(new HorizontalPodAutoscalerController(env.ctx, { syncPeriodMs: 100, metrics }));
    await eventually(async () => (await replicasOf()) === 4);
    expect(await events()).toContain('SuccessfulRescale: New size: 4; reason: cpu resource utilization (percentage of request) above target');
    const status = await eventually(async () => {
      const s = (await env.client.resource('horizontalPodAutoscaler').get('default', 'web')).status;
      return s?.desiredReplicas === 4 ? s : undefined;
    });
    expect(status.currentMetrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', current: { averageValue: '500m', averageUtilization: 100 } } }]);
    const conditions = Object.fromEntries((status.conditions ?? []).map((c) => [c.type, `${c.status} ${c.reason}`]));
    // Right after the rescale, or a period later when 4 replicas match the recommendation (the fake runs no ReplicaSet controller).
    expect(conditions).toEqual({ ScalingActive: 'True ValidMetricFound', ScalingLimited: 'False DesiredWithinRange', AbleToScale: expect.stringMatching(/^True (SucceededRescale|ReadyForNewScale)$/) });
  });

  it('scales down once the stabilization window allows', async () => {
    const metrics = new InMemoryMetrics();
    await replicaSetWithPods(4);
    for (let i = 0; i < 4; i++) metrics.cpuMillis.set(`web-${i}`, 50);
    await env.client.resource('horizontalPodAutoscaler').create(hpa(2, 10));
    await env.ctx.start(new HorizontalPodAutoscalerController(env.ctx, { syncPeriodMs: 100, metrics, downscaleStabilizationMs: 0 }));
    await eventually(async () => (await replicasOf()) === 2);
    expect(await events()).toContain('SuccessfulRescale: New size: 2; reason: All metrics below target');
    const limited = (await env.client.resource('horizontalPodAutoscaler').get('default', 'web')).status?.conditions?.find((c) => c.type === 'ScalingLimited');
    expect(limited).toMatchObject({ status: 'True', reason: 'TooFewReplicas' });
  });

  it('holds a scale down within the default window', async () => {
    const metrics = new InMemoryMetrics();
    await replicaSetWithPods(2);
    metrics.cpuMillis.set('web-0', 500).set('web-1', 500);
    await env.client.resource('horizontalPodAutoscaler').create(hpa(1, 10));
    await env.ctx.start(new HorizontalPodAutoscalerController(env.ctx, { syncPeriodMs: 100, metrics }));
    await eventually(async () => (await replicasOf()) === 4);
    metrics.cpuMillis.set('web-0', 10).set('web-1', 10);
    const stabilized = await eventually(async () =>
      (await env.client.resource('horizontalPodAutoscaler').get('default', 'web')).status?.conditions?.find((c) => c.type === 'AbleToScale' && c.reason === 'ScaleDownStabilized'),
    );
    expect(stabilized.message).toBe('recent recommendations were higher than current one, applying the highest recent recommendation');
    expect(await replicasOf()).toBe(4);
  });

  it('reports a missing metrics API and pods without requests as upstream', async () => {
    await replicaSetWithPods(1);
    await env.client.resource('horizontalPodAutoscaler').create(hpa(1, 10));
    await env.ctx.start(new HorizontalPodAutoscalerController(env.ctx, { syncPeriodMs: 100 }));
    const active = await eventually(async () =>
      (await env.client.resource('horizontalPodAutoscaler').get('default', 'web')).status?.conditions?.find((c) => c.type === 'ScalingActive'),
    );
    expect(active).toMatchObject({
      status: 'False',
      reason: 'FailedGetResourceMetric',
      message: 'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API',
    });
    await eventually(async () => (await events()).includes('FailedComputeMetricsReplicas: invalid metrics (1 invalid out of 1), first error is: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API'));
  });

  it('says which container lacks a request', async () => {
    const metrics = new InMemoryMetrics();
    await env.client.resource('replicaSet').create({ metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } } } });
    const pod = runningPod('web-0');
    pod.spec!.containers![0]!.resources = {};
    await env.client.resource('pod').create(pod);
    metrics.cpuMillis.set('web-0', 100);
    await env.client.resource('horizontalPodAutoscaler').create(hpa(1, 10));
    await env.ctx.start(new HorizontalPodAutoscalerController(env.ctx, { syncPeriodMs: 100, metrics }));
    await eventually(async () => (await events()).includes('FailedGetResourceMetric: failed to get cpu utilization: missing request for cpu in container app of Pod web-0'));
  });
});
