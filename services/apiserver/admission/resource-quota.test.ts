import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api/errors.js';
import type { ConfigMap, Pod, ResourceQuota, Service } from '../../../lib/api/generated/index.js';
import { resourceByField, type AnyObject } from '../../../lib/api/resources.js';
import { Registry } from '../registry/registry.js';
import { MemoryStore } from '../storage/testing/memory-store.js';
import { ResourceQuotaAdmission } from './resource-quota.js';

const pods = resourceByField('pod');
const services = resourceByField('service');
const configMaps = resourceByField('configMap');
const quotas = resourceByField('resourceQuota');
const log = pino({ level: 'silent' });

function pod(name: string, requests?: Record<string, string>, extra: Partial<Pod['spec']> = {}): Pod {
  return { metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'busybox:1.36', resources: requests ? { requests } : {} }], ...extra } };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError && err.reason === 'Forbidden') return err.message;
    throw err;
  }
  throw new Error('admitted');
}

describe('ResourceQuota admission (registry on MemoryStore)', () => {
  let store: MemoryStore;
  let registry: Registry;
  let admission: ResourceQuotaAdmission;
  /** Stands in for the quota controller: a quota as it looks once synced. */
  let quotaWith: (name: string, hard: Record<string, string>, used: Record<string, string>, scopes?: string[]) => Promise<void>;

  beforeEach(() => {
    store = new MemoryStore();
    const cached = async (namespace: string) => (await registry.list(quotas, namespace, { filter: () => true, sizeOf: () => 0 })).items as ResourceQuota[];
    let snapshot: ResourceQuota[] = [];
    admission = new ResourceQuotaAdmission(store, () => snapshot);
    registry = new Registry(store, admission, log);
    quotaWith = async (name, hard, used, scopes) => {
      await registry.create(quotas, 'default', { metadata: { name }, spec: { hard, scopes } } as ResourceQuota);
      await registry.modify(quotas, 'default', name, (q) => ({ ...q, status: { hard, used } }) as AnyObject, 'status');
      snapshot = await cached('default');
    };
  });

  const used = async (name: string): Promise<Record<string, string>> => ((await registry.get(quotas, 'default', name)) as ResourceQuota).status?.used ?? {};

  it('charges status.used in the same write as the object', async () => {
    await quotaWith('compute', { pods: '10', 'requests.cpu': '2' }, { pods: '0', 'requests.cpu': '0' });
    const created = await registry.create(pods, 'default', pod('a', { cpu: '500m' }));
    expect(await used('compute')).toEqual({ pods: '1', 'requests.cpu': '500m' });
    const quota = await registry.get(quotas, 'default', 'compute');
    expect(quota.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
  });

  it('refuses what would exceed the quota with Kubernetes\' message, writing nothing', async () => {
    await quotaWith('compute', { 'requests.cpu': '2' }, { 'requests.cpu': '1500m' });
    expect(await refusal(registry.create(pods, 'default', pod('x', { cpu: '1' })))).toBe(
      'pods "x" is forbidden: exceeded quota: compute, requested: requests.cpu=1, used: requests.cpu=1500m, limited: requests.cpu=2',
    );
    await expect(registry.get(pods, 'default', 'x')).rejects.toThrow(/not found/);
    expect(await used('compute')).toEqual({ 'requests.cpu': '1500m' });
  });

  it('refuses a pod that does not state what a compute quota tracks', async () => {
    await quotaWith('compute', { 'requests.cpu': '2', 'limits.memory': '1Gi' }, { 'requests.cpu': '0', 'limits.memory': '0' });
    expect(await refusal(registry.create(pods, 'default', pod('x')))).toBe('pods "x" is forbidden: failed quota: compute: must specify limits.memory for: app; requests.cpu for: app');
  });

  it('counts objects by plain and count/ names, and services by node ports', async () => {
    await quotaWith('objects', { configmaps: '1', 'count/configmaps': '5', 'services.nodeports': '1' }, { configmaps: '0', 'count/configmaps': '0', 'services.nodeports': '0' });
    await registry.create(configMaps, 'default', { metadata: { name: 'a' } } as ConfigMap);
    expect(await refusal(registry.create(configMaps, 'default', { metadata: { name: 'b' } } as ConfigMap))).toBe(
      'configmaps "b" is forbidden: exceeded quota: objects, requested: configmaps=1, used: configmaps=1, limited: configmaps=1',
    );
    const svc: Service = { metadata: { name: 's', namespace: 'default' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', selector: { a: 'b' }, ports: [{ name: 'a', port: 80 }, { name: 'b', port: 81 }] } };
    await registry.create(services, 'default', svc);
    // Turning it into a NodePort service adds two node ports: an update is charged its increase.
    const asNodePort = { ...svc, spec: { ...svc.spec, type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30001 }, { name: 'b', port: 81, nodePort: 30002 }] } };
    expect(await refusal(registry.update(services, 'default', asNodePort as Service))).toBe(
      'services "s" is forbidden: exceeded quota: objects, requested: services.nodeports=2, used: services.nodeports=0, limited: services.nodeports=1',
    );
  });

  it('charges only the quotas whose scopes select the pod', async () => {
    await quotaWith('best-effort', { pods: '1' }, { pods: '0' }, ['BestEffort']);
    await registry.create(pods, 'default', pod('guaranteed', { cpu: '1' }));
    expect(await used('best-effort')).toEqual({ pods: '0' });
    await registry.create(pods, 'default', pod('free'));
    expect(await refusal(registry.create(pods, 'default', pod('free2')))).toMatch(/exceeded quota: best-effort, requested: pods=1, used: pods=1, limited: pods=1$/);
  });

  it('ignores a quota the controller has not synced yet, and refuses while a tracked amount is unknown', async () => {
    await registry.create(quotas, 'default', { metadata: { name: 'new' }, spec: { hard: { pods: '0' } } } as ResourceQuota);
    await registry.create(pods, 'default', pod('a'));
    await quotaWith('half', { pods: '5', 'count/pods': '5' }, { pods: '1' });
    expect(await refusal(registry.create(pods, 'default', pod('b')))).toBe('pods "b" is forbidden: status unknown for quota: half, resources: count/pods,pods');
  });

  it('never lets concurrent creates overshoot', async () => {
    await quotaWith('pods', { pods: '3' }, { pods: '0' });
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => registry.create(pods, 'default', pod(`p${i}`))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(await used('pods')).toEqual({ pods: '3' });
  });

  it('puts the writes that charge a namespace\'s quotas in one lane, and no others', async () => {
    const p = pod('a', { cpu: '1' });
    expect(admission.writeLanes(pods, 'create', p)).toEqual([]);
    await quotaWith('pods', { pods: '5' }, { pods: '0' });
    expect(admission.writeLanes(pods, 'create', p)).toEqual(['resourcequotas/default']);
    expect(admission.writeLanes(pods, 'update', { ...p, status: { phase: 'Running' } }, p)).toEqual([]);
    expect(admission.writeLanes(pods, 'delete', p)).toEqual([]);
    expect(admission.writeLanes(configMaps, 'create', { metadata: { name: 'c', namespace: 'default' } })).toEqual([]);
  });
});
