import { describe, expect, it } from 'vitest';
import { withGoZeroStructs } from './go-zero-structs.js';
import type { Json } from './json.js';

describe('withGoZeroStructs', () => {
  it("puts back a Deployment's empty structs as kubectl prints them, keeping what is set", () => {
    const deployment: Json = {
      spec: { replicas: 1, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a' }, { name: 'b', resources: { limits: { cpu: '1' } } }] } } },
    };
    expect(withGoZeroStructs({ apiVersion: 'apps/v1', kind: 'Deployment' }, deployment)).toEqual({
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
    expect(withGoZeroStructs({ apiVersion: 'batch/v1', kind: 'CronJob' }, { spec: { schedule: '* * * * *' } })).toEqual({
      spec: { schedule: '* * * * *', jobTemplate: { metadata: { creationTimestamp: null }, spec: { template: { metadata: { creationTimestamp: null }, spec: {} } } } },
      status: {},
    });
  });

  it('knows Service, Namespace and HPA status shapes (by version), and leaves other kinds alone', () => {
    expect(withGoZeroStructs({ apiVersion: 'v1', kind: 'Service' }, { spec: { type: 'ClusterIP' } })).toEqual({ spec: { type: 'ClusterIP' }, status: { loadBalancer: {} } });
    expect(withGoZeroStructs({ apiVersion: 'v1', kind: 'Namespace' }, {})).toEqual({ spec: {}, status: {} });
    expect(withGoZeroStructs({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' }, { spec: {} })).toEqual({ spec: {}, status: { currentMetrics: null, desiredReplicas: 0 } });
    expect(withGoZeroStructs({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler' }, { spec: {} })).toEqual({ spec: {}, status: { currentReplicas: 0, desiredReplicas: 0 } });
    expect(withGoZeroStructs({ apiVersion: 'v1', kind: 'ConfigMap' }, { data: {} })).toEqual({ data: {} });
  });
});
