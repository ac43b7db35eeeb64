import { describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import type { PodMetricsSource, PodUsage } from '../../../services/controller-manager/hpa/metrics-source.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { kubectlOk, requireKubectl, restRequest, writeKubeconfig } from '../apiserver/rest-helpers.js';
import { createNamespace, eventMessages, eventually, podsMatching, reportRunning, useManagers } from './helpers.js';

// HorizontalPodAutoscalers against a real apiserver and etcd: autoscaling/v1 served by
// conversion from the stored autoscaling/v2 over REST and gRPC, and the controller scaling a
// ReplicaSet through its Scale subresource on the usage an in-memory metrics source reports.

const cluster = useControlPlane();
const managers = useManagers(() => cluster.client);

const memoryMetric = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } };
const behavior = { scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 30 }] } };

describe('autoscaling/v1 and autoscaling/v2 HorizontalPodAutoscalers', () => {
  it('discovery lists both versions, v2 preferred', async () => {
    const group = (await restRequest(cluster.cp, 'GET', '/apis/autoscaling')).json<{ versions: { version: string }[]; preferredVersion: { version: string } }>();
    expect(group.versions.map((v) => v.version)).toEqual(['v2', 'v1']);
    expect(group.preferredVersion.version).toBe('v2');
  });

  it('converts v1 to v2 and back over REST, keeping v2 fields through a v1 read-modify-write', async () => {
    const ns = await createNamespace(cluster.client, 'hpa-rest');
    const v1 = `/apis/autoscaling/v1/namespaces/${ns}/horizontalpodautoscalers`;
    const v2 = `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`;
    const created = await restRequest(cluster.cp, 'POST', v1, {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5, targetCPUUtilizationPercentage: 70 },
    });
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({ apiVersion: 'autoscaling/v1', spec: { minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 70 } });
    const asV2 = (await restRequest(cluster.cp, 'GET', `${v2}/web`)).json<{ apiVersion: string; spec: { metrics: unknown[] } }>();
    expect(asV2.apiVersion).toBe('autoscaling/v2');
    expect(asV2.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);

    // A v2 client adds a memory metric and a behavior; a v1 client then changes maxReplicas.
    await restRequest(cluster.cp, 'PATCH', `${v2}/web`, { spec: { metrics: [...asV2.spec.metrics, memoryMetric], behavior } }, { 'Content-Type': 'application/merge-patch+json' });
    const readV1 = (await restRequest(cluster.cp, 'GET', `${v1}/web`)).json<{ metadata: { annotations: Record<string, string> }; spec: Record<string, unknown> }>();
    expect(readV1.spec).not.toHaveProperty('metrics');
    expect(JSON.parse(readV1.metadata.annotations['autoscaling.alpha.kubernetes.io/metrics']!)).toEqual([memoryMetric]);
    const replaced = await restRequest(cluster.cp, 'PUT', `${v1}/web`, { ...readV1, spec: { ...readV1.spec, maxReplicas: 8 } });
    expect(replaced.status).toBe(200);
    const after = (await restRequest(cluster.cp, 'GET', `${v2}/web`)).json<{ metadata: { annotations?: Record<string, string> }; spec: Record<string, unknown> }>();
    expect(after.spec).toMatchObject({ maxReplicas: 8, metrics: [asV2.spec.metrics[0], memoryMetric], behavior: { scaleDown: behavior.scaleDown } });
    expect(after.metadata.annotations ?? {}).not.toHaveProperty('autoscaling.alpha.kubernetes.io/metrics');

    const invalid = await restRequest(cluster.cp, 'POST', v1, { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'zero' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 2, targetCPUUtilizationPercentage: 0 } });
    expect(invalid.status).toBe(422);
    expect(invalid.json<{ message: string }>().message).toContain('spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0');
  });

  // kubectl autoscale itself posts protobuf, which the HTTP API refuses (415) like kubectl's other
  // generators; the OpenAPI documents describe the stored version only, so client-side validation of
  // a v1 manifest is turned off (the server validates it).
  it('serves the real kubectl: create -f of an autoscaling/v1 manifest, get and api-resources', async () => {
    requireKubectl();
    const ns = await createNamespace(cluster.client, 'hpa-kubectl');
    const kubeconfig = writeKubeconfig(cluster.cp, 'hpa');
    const manifest = JSON.stringify({
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: ns },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
    });
    expect(await kubectlOk(kubeconfig, ['create', '--validate=false', '-f', '-'], manifest)).toBe('horizontalpodautoscaler.autoscaling/web created\n');
    const hpa = await cluster.client.resource('horizontalPodAutoscaler').get(ns, 'web');
    expect(hpa.spec).toMatchObject({ minReplicas: 1, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] });
    const table = await kubectlOk(kubeconfig, ['get', 'hpa', '-n', ns]);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/);
    expect(table).toMatch(/web\s+Deployment\/web\s+cpu: <unknown>\/50%\s+1\s+5\s+0\s+/);
    expect(await kubectlOk(kubeconfig, ['api-resources', '--api-group=autoscaling'])).toMatch(/horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler/);
  });

  it('converts over gRPC by the versioned resource name', async () => {
    const ns = await createNamespace(cluster.client, 'hpa-grpc');
    const v1 = cluster.client.resourceInVersion('horizontalPodAutoscaler', 'v1');
    await v1.create({ metadata: { name: 'web', namespace: ns }, spec: { scaleTargetRef: { kind: 'ReplicaSet', name: 'web' }, maxReplicas: 3, targetCPUUtilizationPercentage: 60 } });
    const stored = await cluster.client.resource('horizontalPodAutoscaler').get(ns, 'web');
    expect(stored.apiVersion).toBe('autoscaling/v2');
    expect(stored.spec?.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }]);
    const back = await v1.get(ns, 'web');
    expect(back.apiVersion).toBe('autoscaling/v1');
    expect(back.spec?.targetCPUUtilizationPercentage).toBe(60);
    expect(back.spec?.metrics ?? []).toEqual([]);
    expect((await v1.list(ns)).items.map((h) => h.spec?.targetCPUUtilizationPercentage)).toEqual([60]);
  });
});

class InMemoryMetrics implements PodMetricsSource {
  readonly cpuMillis = new Map<string, number>();
  async podMetrics(): Promise<PodUsage[]> {
    return [...this.cpuMillis].map(([name, cpu]) => ({ name, timestamp: new Date(), windowSeconds: 15, containers: [{ name: 'app', cpuMillis: cpu, memoryBytes: 0 }] }));
  }
}

describe('horizontal pod autoscaler controller', () => {
  it('scales a ReplicaSet through its Scale subresource on CPU utilization', async () => {
    const ns = await createNamespace(cluster.client, 'hpa-scale');
    const metrics = new InMemoryMetrics();
    await managers.start({ settings: { controllers: ['replicaset', 'horizontalpodautoscaling'], hpaSyncPeriodMs: 200, hpaMetrics: metrics } });
    const rs: t.ReplicaSet = {
      metadata: { name: 'web', namespace: ns },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'busybox:1.36', resources: { requests: { cpu: '200m' } } }] } },
      },
    };
    await cluster.client.resource('replicaSet').create(rs);
    const pods = await podsMatching(cluster.client, ns, 'app=web', 2);
    for (const [i, pod] of pods.entries()) {
      await reportRunning(cluster.client, pod, `172.17.0.${10 + i}`);
      metrics.cpuMillis.set(pod.metadata!.name!, 200);
    }
    await cluster.client.resource('horizontalPodAutoscaler').create({
      metadata: { name: 'web', namespace: ns },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web' }, maxReplicas: 6, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
    });
    await eventually(async () => (await cluster.client.resource('replicaSet').get(ns, 'web')).spec?.replicas === 4, 30_000);
    await eventually(async () => (await eventMessages(cluster.client, ns, 'web', 'SuccessfulRescale')).includes('New size: 4; reason: cpu resource utilization (percentage of request) above target'));
    const status = await eventually(async () => {
      const s = (await cluster.client.resource('horizontalPodAutoscaler').get(ns, 'web')).status;
      return s?.desiredReplicas === 4 ? s : undefined;
    });
    expect(status.currentMetrics?.[0]?.resource?.current).toEqual({ averageValue: '200m', averageUtilization: 100 });
    expect(status.lastScaleTime).toMatch(/Z$/);
  });
});
