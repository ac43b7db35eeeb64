import { describe, expect, it } from 'vitest';
import { ApiError, conflict } from '../../../lib/api/errors.js';
import type { Pod } from '../../../lib/api/generated/index.js';
import { useFakeApiServer } from '../../../lib/client/testing/fake-api-per-test.js';
import { EventRecorder } from '../../../lib/events/event-recorder.js';
import { createPods, deletePods, type PodControl } from './pod-control.js';

const ns = 'default';
const owner = { kind: 'Job', apiVersion: 'batch/v1', namespace: ns, name: 'pi', uid: 'u-1', resourceVersion: '1' };
const pod = (): Pod => ({ metadata: { generateName: 'pi-', namespace: ns }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } });

describe('pod control', () => {
  const api = useFakeApiServer();

  async function withControl(fn: (control: PodControl) => Promise<void>): Promise<string[]> {
    const recorder = new EventRecorder({ client: api.client, component: 'test', host: 'test' });
    await fn({ pods: api.client.resource('pod'), recorder, owner });
    await recorder.flush();
    return (await api.client.resource('event').list(ns)).items.map((e) => `${e.reason}: ${e.message}`).sort();
  }

  it('creates and deletes with events, hearing what the API returned', async () => {
    const created: Pod[] = [];
    const events = await withControl(async (control) => {
      await createPods(control, 3, pod, (p) => created.push(p));
      await deletePods(control, created.slice(0, 1), () => undefined);
    });
    expect(created).toHaveLength(3);
    expect(events.filter((e) => e.startsWith('SuccessfulCreate'))).toHaveLength(3);
    expect(events).toContain(`SuccessfulDelete: Deleted pod: ${created[0]?.metadata?.name}`);
  });

  it('stops after the first refused batch with FailedCreate, but not in a namespace being deleted', async () => {
    let refusal = new ApiError('Forbidden', 'pods "pi-" is forbidden: exceeded quota');
    api.fake.intercept = (method, request) => (method === 'Create' && (request as { resource?: string }).resource === 'pods' ? refusal : undefined);
    let events = await withControl(async (control) => {
      await expect(createPods(control, 10, pod, () => undefined)).rejects.toThrow('exceeded quota');
    });
    expect(events).toEqual(['FailedCreate: Error creating: pods "pi-" is forbidden: exceeded quota']);
    // Slow start: the first batch is one pod, and nothing follows a refused batch.
    expect(api.fake.calls.filter((c) => c.method === 'Create' && (c.request as { resource?: string }).resource === 'pods')).toHaveLength(1);
    
    refusal = new ApiError('Forbidden', 'unable to create new content in namespace default because it is being terminated');
    events = await withControl((control) => createPods(control, 1, pod, () => undefined));
    expect(events.filter((e) => e.startsWith('FailedCreate'))).toHaveLength(1);
  });

  it('treats a pod already gone as deleted', async () => {
    const events = await withControl((control) => deletePods(control, [{ metadata: { name: 'gone', namespace: ns, uid: 'u-gone' } }], () => undefined));
    expect(events).toEqual([]);
  });

  it('treats a pod replaced under its name as deleted, but reports a delete that lost to concurrent writes', async () => {
    const named = (name: string): Promise<Pod> => api.client.resource('pod').create({ ...pod(), metadata: { name, namespace: ns } });
    const [first, second] = [await named('a'), await named('b')];
    const replaced = { metadata: { ...first.metadata, uid: 'u-older' } };
    let events = await withControl((control) => deletePods(control, [replaced], () => undefined));
    expect(events).toEqual([]);

    api.fake.failNext('Delete', conflict('pods', 'b', 'too many concurrent changes, try again'));
    events = await withControl(async (control) => {
      await expect(deletePods(control, [second], () => undefined)).rejects.toThrow('too many concurrent changes');
    });
    expect(events).toEqual(['FailedDelete: Error deleting: Operation cannot be fulfilled on pods "b": too many concurrent changes, try again']);
  });
});
