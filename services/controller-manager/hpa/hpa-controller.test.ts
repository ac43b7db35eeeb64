import { describe, expect, it } from 'vitest';
import type { HorizontalPodAutoscaler } from '../../../lib/api/generated/index.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { HorizontalPodAutoscalerController } from './hpa-controller.js';
import { boundedReplicas } from './replica-bounds.js';

const hpa = (min: number, max: number, cpu?: number): HorizontalPodAutoscaler => ({
  metadata: { name: 'php-apache', namespace: 'default' },
  spec: { minReplicas: min, maxReplicas: max, scaleTargetRef: { kind: 'Deployment', name: 'php-apache', apiVersion: 'apps/v1' }, ...(cpu ? { targetCPUUtilizationPercentage: cpu } : {}) },
});

describe('boundedReplicas', () => {
  it.each([
    [2, 5, 1, { desired: 2, reason: 'Current number of replicas below Spec.MinReplicas' }],
    [2, 5, 9, { desired: 5, reason: 'Current number of replicas above Spec.MaxReplicas' }],
    [2, 5, 3, { desired: 3 }],
    [2, 5, 0, { desired: 0 }],
  ])('min %d max %d current %d', (min, max, current, want) => {
    expect(boundedReplicas(hpa(min, max), current)).toEqual(want);
  });
});

describe('HorizontalPodAutoscalerController', () => {
  const env = useControllerTestEnv();

  it('scales the target into [min, max] through the scale subresource and reports status', async () => {
    await env.client.resource('deployment').create({ metadata: { name: 'php-apache', namespace: 'default' }, spec: { replicas: 12 } });
    await env.client.resource('horizontalPodAutoscaler').create(hpa(1, 10, 90));
    await env.ctx.start(new HorizontalPodAutoscalerController(env.ctx, { syncPeriodMs: 100 }));
    await eventually(async () => (await env.client.resource('deployment').get('default', 'php-apache')).spec?.replicas === 10);
    const status = await eventually(async () => {
      const s = (await env.client.resource('horizontalPodAutoscaler').get('default', 'php-apache')).status;
      return s?.currentReplicas === 10 ? s : undefined;
    });
    expect(status).toMatchObject({ currentReplicas: 10, desiredReplicas: 10 });
    expect(status.lastScaleTime).toMatch(/Z$/);
    const events = (await env.client.resource('event').list('default')).items.map((e) => `${e.reason}: ${e.message}`);
    expect(events).toContain('SuccessfulRescale: New size: 10; reason: Current number of replicas above Spec.MaxReplicas');
    expect(events.some((e) => e.startsWith('FailedGetResourceMetric:'))).toBe(true);
  });
});
