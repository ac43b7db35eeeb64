import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors.js';
import type { Event } from '../api/generated/index.js';
import { useFakeApiServer } from '../client/testing/fake-api-per-test.js';
import { EventRecorder, type InvolvedObject } from './event-recorder.js';

const podRef: InvolvedObject = { kind: 'Pod', namespace: 'web', name: 'frontend-1', uid: 'u-1', apiVersion: 'v1' };
const nodeRef: InvolvedObject = { kind: 'Node', name: 'node-1', uid: 'n-1', apiVersion: 'v1' };

describe('EventRecorder', () => {
  const api = useFakeApiServer();
  let now: number;
  let recorder: EventRecorder;

  beforeEach(() => {
    now = Date.UTC(2024, 0, 1, 12, 0, 0);
    recorder = new EventRecorder({ client: api.client, component: 'kubelet', host: 'node-1', clock: () => now });
  });

  const events = async (namespace = ''): Promise<Event[]> => (await api.client.resource('event').list(namespace)).items;

  it('writes an Event in the involved object namespace, named like Kubernetes names them', async () => {
    recorder.event(podRef, 'Normal', 'Pulled', 'Container image "busybox:1" already present on machine');
    await recorder.flush();
    const [ev, ...rest] = await events();
    expect(rest).toHaveLength(0);
    expect(ev?.metadata?.namespace).toBe('web');
    expect(ev?.metadata?.name).toMatch(/^frontend-1\.[0-9a-f]+$/);
    expect(ev).toMatchObject({
      involvedObject: podRef,
      type: 'Normal',
      reason: 'Pulled',
      message: 'Container image "busybox:1" already present on machine',
      source: { component: 'kubelet', host: 'node-1' },
      reportingComponent: 'kubelet',
      reportingInstance: 'node-1',
      count: 1,
      firstTimestamp: '2024-01-01T12:00:00Z',
      lastTimestamp: '2024-01-01T12:00:00Z',
    });
  });

  it('puts events about cluster-scoped objects in the default namespace', async () => {
    recorder.event(nodeRef, 'Normal', 'NodeReady', 'Node node-1 status is now: NodeReady');
    await recorder.flush();
    const [ev] = await events();
    expect(ev?.metadata?.namespace).toBe('default');
    expect(ev?.involvedObject?.namespace ?? '').toBe('');
  });

  it('counts repeats within ten minutes on the same Event, and starts a new one after', async () => {
    recorder.event(podRef, 'Warning', 'BackOff', 'Back-off restarting failed container');
    now += 60_000;
    recorder.event(podRef, 'Warning', 'BackOff', 'Back-off restarting failed container');
    now += 60_000;
    recorder.event(podRef, 'Warning', 'BackOff', 'Back-off restarting failed container');
    recorder.event(podRef, 'Warning', 'BackOff', 'a different message');
    await recorder.flush();
    let all = await events('web');
    expect(all).toHaveLength(2);
    const repeated = all.find((e) => e.message === 'Back-off restarting failed container');
    expect(repeated).toMatchObject({ count: 3, firstTimestamp: '2024-01-01T12:00:00Z', lastTimestamp: '2024-01-01T12:02:00Z' });

    now += 11 * 60_000;
    recorder.event(podRef, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await recorder.flush();
    all = await events('web');
    expect(all).toHaveLength(3);
    expect(api.fake.callCount('Patch')).toBe(2);
  });

  it('writes a new Event when the one it would count has gone', async () => {
    recorder.event(podRef, 'Normal', 'Started', 'Started container app');
    await recorder.flush();
    const [first] = await events('web');
    await api.client.resource('event').delete('web', first!.metadata!.name!);
    recorder.event(podRef, 'Normal', 'Started', 'Started container app');
    await recorder.flush();
    const all = await events('web');
    expect(all).toHaveLength(1);
    expect(all[0]?.metadata?.name).not.toBe(first?.metadata?.name);
    expect(all[0]?.count).toBe(1);
  });

  it('never throws to the caller and retries transient failures', async () => {
    api.fake.failNext('Create', new ApiError('ServiceUnavailable', 'etcd down'), 1);
    recorder.event(podRef, 'Normal', 'Scheduled', 'Successfully assigned web/frontend-1 to node-1');
    await recorder.flush();
    expect(await events('web')).toHaveLength(1);

    api.fake.failNext('Create', new ApiError('Forbidden', 'events are forbidden'), 1);
    expect(() => recorder.event(podRef, 'Normal', 'Killing', 'Stopping container app')).not.toThrow();
    await recorder.flush();
    expect(await events('web')).toHaveLength(1);
  });

  it('keeps retrying an event through a long run of timeouts, as client-go does', async () => {
    const patient = new EventRecorder({ client: api.client, component: 'default-scheduler', host: 'node-1', retryDelayMs: 1 });
    api.fake.failNext('Create', new ApiError('Timeout', 'storage deadline exceeded'), 8);
    patient.event(podRef, 'Normal', 'Scheduled', 'Successfully assigned web/frontend-1 to node-1');
    await patient.flush();
    expect(await events('web')).toHaveLength(1);
  });

  it('drops events beyond the queue bound instead of blocking', async () => {
    // A generous deadline: the writes after the hung one must not miss it on a loaded machine.
    const impatient = api.fake.client({ deadlineMs: 1000 });
    const small = new EventRecorder({ client: impatient, component: 'kubelet', host: 'node-1', maxQueue: 3 });
    let hangFirst = true;
    api.fake.intercept = (method) => {
      if (method !== 'Create' || !hangFirst) return;
      hangFirst = false;
      return 'drop';
    };
    // The first event is being written (and hangs until its deadline), three wait, the rest are dropped.
    for (let i = 0; i < 10; i++) small.event({ ...podRef, name: `p-${i}` }, 'Normal', 'Created', `created ${i}`);
    await small.flush();
    impatient.close();
    expect((await events('web')).map((e) => e.message).sort()).toEqual(['created 0', 'created 1', 'created 2', 'created 3']);
  });

  it('writes up to maxInFlight events at once, and repeats of one event one after the other', async () => {
    const busy = new EventRecorder({ client: api.client, component: 'default-scheduler', host: 'node-1', clock: () => now, maxInFlight: 4 });
    // Count the writes in flight at the client, each held for a few milliseconds.
    const eventClient = api.client.resource('event');
    let inFlight = 0;
    let most = 0;
    const slowly = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
      most = Math.max(most, ++inFlight);
      try {
        await new Promise((r) => setTimeout(r, 10));
        return await fn(...args);
      } finally {
        inFlight--;
      }
    };
    eventClient.createIgnoringResult = slowly(eventClient.createIgnoringResult.bind(eventClient));
    eventClient.patch = slowly(eventClient.patch.bind(eventClient));
    for (let i = 0; i < 12; i++) busy.event({ ...podRef, name: `p-${i}`, uid: `u-${i}` }, 'Normal', 'Scheduled', `Successfully assigned web/p-${i} to node-1`);
    for (let i = 0; i < 3; i++) busy.event(podRef, 'Warning', 'FailedScheduling', '0/1 nodes are available: 1 Insufficient cpu.');
    await busy.flush();
    const all = await events('web');
    expect(all).toHaveLength(13);
    expect(all.find((e) => e.reason === 'FailedScheduling')?.count).toBe(3);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
  });

  it('writes a backlog of thousands, repeats among them counted on one Event', async () => {
    const busy = new EventRecorder({ client: api.client, component: 'default-scheduler', host: 'node-1', clock: () => now, maxInFlight: 8, maxQueue: 5000 });
    for (let i = 0; i < 2000; i++) {
      busy.event({ ...podRef, name: `p-${i}`, uid: `u-${i}` }, 'Normal', 'Scheduled', `Successfully assigned web/p-${i} to node-1`);
      if (i % 100 === 0) busy.event(podRef, 'Warning', 'FailedScheduling', '0/1 nodes are available: 1 Insufficient cpu.');
    }
    await busy.flush();
    const all = await events('web');
    expect(all).toHaveLength(2001);
    expect(all.filter((e) => e.reason === 'Scheduled').map((e) => e.involvedObject?.name).sort()).toEqual(Array.from({ length: 2000 }, (_, i) => `p-${i}`).sort());
    expect(all.find((e) => e.reason === 'FailedScheduling')?.count).toBe(20);
  });
});

