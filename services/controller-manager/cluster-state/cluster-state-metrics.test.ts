import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../../lib/api/generated/index.js';
import { exposeClusterStateMetrics } from './cluster-state-metrics.js';

const node: Node = { metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: 'False' }] } };
const pod: Pod = {
  metadata: { name: 'crash', namespace: 'shop' },
  status: { containerStatuses: [{ name: 'app', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
};

describe('cluster state metrics', () => {
  it("serves node conditions, restarts and waiting reasons under kube-state-metrics' names", async () => {
    const registry = new Registry();
    exposeClusterStateMetrics(registry, { nodes: () => [node], pods: () => [pod] });
    const text = await registry.metrics();
    expect(text).toContain('kube_node_status_condition{node="n1",condition="Ready",status="false"} 1');
    expect(text).toContain('kube_node_status_condition{node="n1",condition="Ready",status="true"} 0');
    expect(text).toContain('kube_pod_container_status_restarts_total{namespace="shop",pod="crash",container="app"} 4');
    expect(text).toContain('kube_pod_container_status_waiting_reason{namespace="shop",pod="crash",container="app",reason="CrashLoopBackOff"} 1');
  });

  it('follows the caches: a pod gone is gone from the series', async () => {
    const registry = new Registry();
    const pods = [pod];
    exposeClusterStateMetrics(registry, { nodes: () => [], pods: () => pods });
    expect(await registry.metrics()).toContain('pod="crash"');
    pods.pop();
    expect(await registry.metrics()).not.toContain('pod="crash"');
  });
});
