import { beforeAll, describe, expect, it } from 'vitest';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { restRequest } from './rest-helpers.js';

// metrics.k8s.io without kubelets: a read-only API in discovery and OpenAPI, refusing writes and
// watches, with empty lists while no kubelet has a sampling window, and readable by whoever the
// view role is bound to (the aggregated metrics reader).

const cluster = useControlPlane({ users: [{ name: 'viewer' }, { name: 'nobody' }] });

beforeAll(async () => {
  await cluster.client.resource('namespace').create({ metadata: { name: 'metrics' } });
  await cluster.client.resource('roleBinding').create({
    metadata: { name: 'viewer', namespace: 'metrics' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'viewer' }],
  });
});

describe('the metrics API', () => {
  it('lists nothing and gets NotFound while no kubelet reports', async () => {
    expect((await cluster.client.resource('podMetrics').list('metrics')).items).toEqual([]);
    expect((await cluster.client.resource('nodeMetrics').list('')).items).toEqual([]);
    await expect(cluster.client.resource('podMetrics').get('metrics', 'web')).rejects.toMatchObject({ reason: 'NotFound', message: 'pods.metrics.k8s.io "web" not found' });
  });

  it('keeps the core pods apart from the metrics pods', async () => {
    const pods = await cluster.client.resource('pod').list('metrics');
    expect(pods.items).toEqual([]);
    await cluster.client.resource('pod').create({ metadata: { name: 'web', namespace: 'metrics' }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } });
    // A pod that runs nowhere has no metrics.
    expect((await cluster.client.resource('podMetrics').list('metrics')).items).toEqual([]);
  });

  it('refuses writes and watches with MethodNotAllowed', async () => {
    const metrics = cluster.client.resource('podMetrics');
    await expect(metrics.create({ metadata: { name: 'x', namespace: 'metrics' } })).rejects.toMatchObject({ reason: 'MethodNotAllowed' });
    await expect(metrics.delete('metrics', 'x')).rejects.toMatchObject({ reason: 'MethodNotAllowed' });
    await expect(cluster.client.resource('nodeMetrics').update({ metadata: { name: 'n1' } })).rejects.toMatchObject({ reason: 'MethodNotAllowed' });
    const r = await restRequest(cluster.cp, 'POST', '/apis/metrics.k8s.io/v1beta1/namespaces/metrics/pods', { apiVersion: 'metrics.k8s.io/v1beta1', kind: 'PodMetrics', metadata: { name: 'x' } });
    expect(r.status).toBe(405);
  });

  it('rejects field selectors metrics-server does not serve', async () => {
    await expect(cluster.client.resource('podMetrics').list('metrics', { fieldSelector: 'spec.nodeName=n1' })).rejects.toMatchObject({ reason: 'BadRequest' });
    expect((await cluster.client.resource('podMetrics').list('metrics', { fieldSelector: 'metadata.name=web' })).items).toEqual([]);
  });

  it('is in discovery with get and list only', async () => {
    const list = (await restRequest(cluster.cp, 'GET', '/apis/metrics.k8s.io/v1beta1')).json<{ resources: { name: string; kind: string; verbs: string[]; namespaced: boolean }[] }>();
    expect(list.resources).toEqual([
      expect.objectContaining({ name: 'pods', kind: 'PodMetrics', namespaced: true, verbs: ['get', 'list'] }),
      expect.objectContaining({ name: 'nodes', kind: 'NodeMetrics', namespaced: false, verbs: ['get', 'list'] }),
    ]);
    const groups = (await restRequest(cluster.cp, 'GET', '/apis')).json<{ groups: { name: string; preferredVersion: { version: string } }[] }>();
    expect(groups.groups.find((g) => g.name === 'metrics.k8s.io')?.preferredVersion.version).toBe('v1beta1');
    const openapi = (await restRequest(cluster.cp, 'GET', '/openapi/v2')).json<{ paths: Record<string, object> }>();
    expect(Object.keys(openapi.paths['/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods/{name}'] ?? {}).sort()).toEqual(['get', 'parameters']);
  });

  it('lets the view role read pod metrics in its namespace, and no one else', async () => {
    expect((await cluster.cp.clientAs('viewer').resource('podMetrics').list('metrics')).items).toEqual([]);
    await expect(cluster.cp.clientAs('viewer').resource('podMetrics').list('default')).rejects.toMatchObject({ reason: 'Forbidden' });
    await expect(cluster.cp.clientAs('nobody').resource('podMetrics').list('metrics')).rejects.toMatchObject({
      reason: 'Forbidden',
      message: expect.stringContaining('cannot list resource "pods" in API group "metrics.k8s.io"'),
    });
  });
});
