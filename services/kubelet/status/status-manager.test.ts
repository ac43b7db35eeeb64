import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Pod, PodStatus } from '../../../lib/api/generated/index.js';
import { ApiError } from '../../../lib/api/errors.js';
import { useFakeApiServer } from '../../../lib/client/testing/fake-api-per-test.js';
import { sameStatus, StatusManager } from './status-manager.js';

const running: PodStatus = { phase: 'Running', podIP: '172.17.0.5', qosClass: 'BestEffort', conditions: [{ type: 'Ready', status: 'True' }] };

const api = useFakeApiServer();
/** Stands in for the informer cache: tests decide how fresh it is. */
let cache: Map<string, Pod>;
let manager: StatusManager;

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function createPod(name: string): Promise<Pod> {
  const pod = await api.client.resource('pod').create({ metadata: { name, namespace: 'default' }, spec: { nodeName: 'n', containers: [{ name: 'c', image: 'i:1' }] } });
  cache.set(`default/${name}`, pod);
  return pod;
}

beforeEach(() => {
  cache = new Map();
  manager = new StatusManager({
    client: api.client,
    pods: {
      cached: (pod) => {
        const found = cache.get(`${pod.metadata?.namespace}/${pod.metadata?.name}`);
        return found?.metadata?.uid === pod.metadata?.uid ? found : undefined;
      },
      owns: (pod, apiPod) => apiPod.metadata?.uid === pod.metadata?.uid,
    },
  });
});

afterEach(async () => {
  await manager.stop();
});

describe('StatusManager', () => {
  it('writes a changed status once and skips one the API already shows', async () => {
    const pod = await createPod('web');
    manager.setStatus(pod, running);
    await until(() => api.fake.stored('pod', 'default', 'web')?.status?.phase === 'Running');
    expect(api.fake.callCount('UpdateStatus')).toBe(1);
    cache.set('default/web', api.fake.stored('pod', 'default', 'web')!);
    manager.setStatus(pod, structuredClone(running));
    manager.resyncAll();
    await new Promise((r) => setTimeout(r, 50));
    expect(api.fake.callCount('UpdateStatus')).toBe(1);
  });

  it('sends only the status with the pod\'s identity and revision; the pod keeps its spec and labels', async () => {
    const made = await api.client.resource('pod').create({ metadata: { name: 'lean', namespace: 'default', labels: { app: 'lean' } }, spec: { nodeName: 'n', containers: [{ name: 'c', image: 'i:1' }] } });
    cache.set('default/lean', made);
    manager.setStatus(made, running);
    await until(() => api.fake.stored('pod', 'default', 'lean')?.status?.phase === 'Running');
    const sent = (api.fake.calls.find((c) => c.method === 'UpdateStatus')!.request as { object: { pod: Pod } }).object.pod;
    expect(sent.spec ?? {}).toEqual({});
    expect(sent.metadata).toMatchObject({ name: 'lean', namespace: 'default', uid: made.metadata?.uid, resourceVersion: made.metadata?.resourceVersion });
    expect(sent.metadata?.labels ?? {}).toEqual({});
    expect(sent.metadata?.managedFields ?? []).toEqual([]);
    const stored = api.fake.stored('pod', 'default', 'lean')!;
    expect(stored.spec?.containers?.[0]?.image).toBe('i:1');
    expect(stored.metadata?.labels).toEqual({ app: 'lean' });
  });

  it('builds on its own last write when the cache lags behind, and rereads on a conflict', async () => {
    const pod = await createPod('web');
    manager.setStatus(pod, running);
    await until(() => api.fake.callCount('UpdateStatus') === 1);
    // The cache still holds the pod as created; the next write starts from our own last one.
    manager.setStatus(pod, { ...running, phase: 'Succeeded' });
    await until(() => api.fake.stored('pod', 'default', 'web')?.status?.phase === 'Succeeded');
    expect(api.fake.callCount('Get')).toBe(0);
    // Someone else changed the pod: the write conflicts, the manager rereads and writes again.
    await api.client.resource('pod').patch('default', 'web', { metadata: { labels: { touched: 'yes' } } });
    manager.setStatus(pod, { ...running, phase: 'Failed' });
    await until(() => api.fake.stored('pod', 'default', 'web')?.status?.phase === 'Failed');
    expect(api.fake.callCount('Get')).toBe(1);
    expect(api.fake.stored('pod', 'default', 'web')?.metadata?.labels).toEqual({ touched: 'yes' });
  });

  it('folds a burst of statuses into few writes that end with the newest', async () => {
    const pod = await createPod('web');
    for (let i = 0; i < 20; i++) manager.setStatus(pod, { ...running, podIP: `172.17.0.${i}` });
    await until(() => api.fake.stored('pod', 'default', 'web')?.status?.podIP === '172.17.0.19');
    await new Promise((r) => setTimeout(r, 50));
    expect(api.fake.callCount('UpdateStatus')).toBeLessThanOrEqual(2);
  });

  it('deletes a terminated pod with grace period 0 and its uid as precondition', async () => {
    const pod = await createPod('web');
    manager.podTerminated(pod);
    await until(() => api.fake.stored('pod', 'default', 'web') === undefined);
    const request = api.fake.calls.find((c) => c.method === 'Delete')?.request as { options?: unknown };
    expect(request.options).toMatchObject({ gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } });

    // A new pod under the same name is not the one that terminated: it stays.
    const successor = await createPod('web');
    manager.podTerminated(pod);
    await until(() => api.fake.callCount('Delete') === 2);
    expect(api.fake.stored('pod', 'default', 'web')?.metadata?.uid).toBe(successor.metadata?.uid);
  });

  it('tries a failed delete again on the next resync, so the pod does not stay Terminating', async () => {
    const pod = await createPod('web');
    api.fake.failNext('Delete', new ApiError('Timeout', 'the storage request did not complete in time'));
    manager.podTerminated(pod);
    await until(() => api.fake.callCount('Delete') === 1);
    expect(api.fake.stored('pod', 'default', 'web')).toBeDefined();
    manager.resyncAll();
    await until(() => api.fake.stored('pod', 'default', 'web') === undefined);
    expect(api.fake.callCount('Delete')).toBe(2);
  });

  it('drops a status write that is still queued when the pod terminates', async () => {
    const pod = await createPod('web');
    manager.setStatus(pod, running);
    manager.setStatus(pod, { ...running, phase: 'Succeeded' });
    manager.podTerminated(pod);
    await until(() => api.fake.stored('pod', 'default', 'web') === undefined);
    expect(api.fake.callCount('UpdateStatus')).toBeLessThanOrEqual(1);
  });
});

describe('sameStatus', () => {
  it('ignores key order, absent versus empty lists and nulls', () => {
    expect(sameStatus({ phase: 'Running', conditions: [] }, { phase: 'Running' })).toBe(true);
    expect(sameStatus({ podIP: '1.2.3.4', phase: 'Running' }, { phase: 'Running', podIP: '1.2.3.4' })).toBe(true);
    expect(sameStatus({ phase: 'Running' }, { phase: 'Pending' })).toBe(false);
    expect(sameStatus(undefined, {})).toBe(true);
  });
});
