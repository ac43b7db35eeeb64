import { describe, expect, it } from 'vitest';
import { resourceByName } from '../../../lib/api/resources.js';
import { describeObject } from './index.js';

const now = Date.parse('2024-05-10T12:00:00Z');

describe('describeHorizontalPodAutoscaler', () => {
  it('prints metrics as current / target, the behavior, the replica counts and the conditions table', () => {
    process.env.TZ = 'UTC';
    const hpa = {
      metadata: { name: 'php-apache', namespace: 'default', creationTimestamp: '2024-05-10T11:00:00Z' },
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'php-apache', apiVersion: 'apps/v1' },
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] } },
      },
      status: {
        currentReplicas: 1,
        desiredReplicas: 1,
        currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 0, averageValue: '1m' } } }, {}],
        conditions: [
          { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' },
          { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' },
        ],
      },
    };
    expect(describeObject(resourceByName('horizontalpodautoscalers')!, hpa, { now, events: [] })).toBe(
      [
        'Name:                                                  php-apache',
        'Namespace:                                             default',
        'Labels:                                                <none>',
        'Annotations:                                           <none>',
        'CreationTimestamp:                                     Fri, 10 May 2024 11:00:00 +0000',
        'Reference:                                             Deployment/php-apache',
        'Metrics:                                               ( current / target )',
        '  resource cpu on pods  (as a percentage of request):  0% (1m) / 50%',
        '  resource memory on pods:                             <unknown> / 100Mi',
        'Min replicas:                                          1',
        'Max replicas:                                          10',
        'Behavior:',
        '  Scale Down:',
        '    Stabilization Window: 60 seconds',
        '    Select Policy: Max',
        '    Policies:',
        '      - Type: Percent  Value: 100  Period: 15 seconds',
        'Deployment pods:       1 current / 1 desired',
        'Conditions:',
        '  Type           Status  Reason            Message',
        '  ----           ------  ------            -------',
        '  AbleToScale    True    ReadyForNewScale  recommended size matches current size',
        '  ScalingActive  True    ValidMetricFound  the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
        'Events:          <none>',
        '',
      ].join('\n'),
    );
  });
});
