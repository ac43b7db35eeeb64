import { describe, expect, it } from 'vitest';
import type { JsonValue } from './go-values.js';
import { withGoZeroStructs } from './go-zero-structs.js';

describe('withGoZeroStructs', () => {
  it("puts back a Deployment's empty structs as kubectl prints them, keeping what is set", () => {
    const deployment: JsonValue = {
      spec: { replicas: 1, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a' }, { name: 'b', resources: { limits: { cpu: '1' } } }] } } },
    };
    expect(withGoZeroStructs('Deployment', deployment)).toEqual({
      spec: {
        replicas: 1,
        strategy: {},
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'web' } },
          spec: { containers: [{ name: 'a', resources: {} }, { name: 'b', resources: { limits: { cpu: '1' } } }] },
        },
      },
      status: {},
    });
  });

  it('makes missing structs on the way but never lists', () => {
    expect(withGoZeroStructs('CronJob', { spec: { schedule: '* * * * *' } })).toEqual({
      spec: { schedule: '* * * * *', jobTemplate: { metadata: { creationTimestamp: null }, spec: { template: { metadata: { creationTimestamp: null }, spec: {} } } } },
      status: {},
    });
  });

  it('knows Service, Namespace and HPA status shapes, and leaves other kinds alone', () => {
    expect(withGoZeroStructs('Service', { spec: { type: 'ClusterIP' } })).toEqual({ spec: { type: 'ClusterIP' }, status: { loadBalancer: {} } });
    expect(withGoZeroStructs('Namespace', {})).toEqual({ spec: {}, status: {} });
    expect(withGoZeroStructs('HorizontalPodAutoscaler', { spec: {} })).toEqual({ spec: {}, status: { currentMetrics: null, desiredReplicas: 0 } });
    expect(withGoZeroStructs('ConfigMap', { data: {} })).toEqual({ data: {} });
  });
});
