import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api/errors.js';
import type * as t from '../../../lib/api/generated/index.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { createNamespace, eventually, useManagers } from './helpers.js';

// ResourceQuota and LimitRange admission against real etcd and two apiservers, with the quota
// controller in process: what a user sees on create, and that quota is freed and never overspent.

const cluster = useControlPlane({ apiservers: 2 });
const managers = useManagers(() => cluster.client);
const startQuotaController = () => managers.start({ settings: { controllers: ['resourcequota'] } });

function pod(namespace: string, name: string, resources?: t.ResourceRequirements): t.Pod {
  return { metadata: { name, namespace }, spec: { containers: [{ name: 'app', image: 'busybox:1.36', ...(resources ? { resources } : {}) }] } };
}

async function forbidden(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError && err.reason === 'Forbidden') return err.message;
    throw err;
  }
  throw new Error('the write was admitted');
}

/** Creates a quota and waits until the controller has synced it (admission ignores it until then). */
async function createQuota(client: ApiClient, namespace: string, name: string, hard: Record<string, string>): Promise<void> {
  await client.resource('resourceQuota').create({ metadata: { name, namespace }, spec: { hard } });
  await eventually(async () => {
    const status = (await client.resource('resourceQuota').get(namespace, name)).status;
    return Object.keys(hard).every((n) => status?.hard?.[n] === hard[n] && status?.used?.[n] !== undefined);
  }, 30_000, `quota ${name} synced`);
}

const usedOf = async (client: ApiClient, namespace: string, name: string) => (await client.resource('resourceQuota').get(namespace, name)).status?.used ?? {};

describe('ResourceQuota', () => {
  it('refuses the pod that would exceed the quota with Kubernetes\' message, and a pod that states no requests', async () => {
    const ns = await createNamespace(cluster.client, 'quota-exceed');
    await startQuotaController();
    await createQuota(cluster.client, ns, 'compute', { pods: '10', 'requests.cpu': '2' });
    await cluster.client.resource('pod').create(pod(ns, 'a', { requests: { cpu: '1500m' } }));
    expect(await usedOf(cluster.client, ns, 'compute')).toEqual({ pods: '1', 'requests.cpu': '1500m' });
    expect(await forbidden(cluster.client.resource('pod').create(pod(ns, 'x', { requests: { cpu: '1' } })))).toBe(
      'pods "x" is forbidden: exceeded quota: compute, requested: requests.cpu=1, used: requests.cpu=1500m, limited: requests.cpu=2',
    );
    expect(await forbidden(cluster.client.resource('pod').create(pod(ns, 'none')))).toBe('pods "none" is forbidden: failed quota: compute: must specify requests.cpu for: app');
    await cluster.client.resource('pod').create(pod(ns, 'b', { requests: { cpu: '500m' } }));
    expect(await usedOf(cluster.client, ns, 'compute')).toEqual({ pods: '2', 'requests.cpu': '2' });
  });

  it('frees quota when a pod is deleted', async () => {
    const ns = await createNamespace(cluster.client, 'quota-free');
    await startQuotaController();
    await createQuota(cluster.client, ns, 'pods', { pods: '1' });
    await cluster.client.resource('pod').create(pod(ns, 'first'));
    expect(await forbidden(cluster.client.resource('pod').create(pod(ns, 'second')))).toBe(
      'pods "second" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=1, limited: pods=1',
    );
    await cluster.client.resource('pod').delete(ns, 'first');
    await eventually(async () => (await usedOf(cluster.client, ns, 'pods')).pods === '0', 30_000, 'quota freed');
    await cluster.client.resource('pod').create(pod(ns, 'second'));
  });

  it('lets exactly 10 of 50 concurrent pod creates over two apiservers through a quota of 10 pods', async () => {
    const ns = await createNamespace(cluster.client, 'quota-race');
    await startQuotaController();
    await createQuota(cluster.client, ns, 'pods', { pods: '10' });
    const [a, b] = cluster.cp.apiservers.map((s) => cluster.cp.client([s.address]));
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => (i % 2 ? a! : b!).resource('pod').create(pod(ns, `p${i}`))));
    const created = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(created).toHaveLength(10);
    for (const r of refused) expect(r.reason).toMatchObject({ reason: 'Forbidden', message: expect.stringMatching(/exceeded quota: pods, requested: pods=1, used: pods=10, limited: pods=10$/) });
    expect((await cluster.client.resource('pod').list(ns)).items).toHaveLength(10);
    expect(await usedOf(cluster.client, ns, 'pods')).toEqual({ pods: '10' });
  });
});

describe('LimitRange', () => {
  it('fills in default requests and limits on created pods, which a compute quota then charges', async () => {
    const ns = await createNamespace(cluster.client, 'limits-defaults');
    await startQuotaController();
    await cluster.client.resource('limitRange').create({
      metadata: { name: 'limits', namespace: ns },
      spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '128Mi' }, defaultRequest: { cpu: '250m' } }] },
    });
    await createQuota(cluster.client, ns, 'compute', { 'requests.cpu': '1', 'limits.memory': '1Gi' });
    const created = await cluster.client.resource('pod').create(pod(ns, 'web'));
    expect(created.spec?.containers?.[0]?.resources).toEqual({ requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '500m', memory: '128Mi' } });
    expect(created.metadata?.annotations?.['kubernetes.io/limit-ranger']).toBe('LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app');
    expect(await usedOf(cluster.client, ns, 'compute')).toEqual({ 'requests.cpu': '250m', 'limits.memory': '128Mi' });
  });

  it('refuses a container over max with Kubernetes\' message', async () => {
    const ns = await createNamespace(cluster.client, 'limits-max');
    await cluster.client.resource('limitRange').create({ metadata: { name: 'limits', namespace: ns }, spec: { limits: [{ type: 'Container', max: { cpu: '1' } }] } });
    expect(await forbidden(cluster.client.resource('pod').create(pod(ns, 'big', { limits: { cpu: '2' } })))).toBe(
      'pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2',
    );
    // Without limits of its own, a container gets max as its limit and request, and is admitted.
    const small = await cluster.client.resource('pod').create(pod(ns, 'small'));
    expect(small.spec?.containers?.[0]?.resources).toEqual({ requests: { cpu: '1' }, limits: { cpu: '1' } });
  });
});
