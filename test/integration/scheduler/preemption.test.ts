import { beforeAll, describe, expect, it } from 'vitest';
import { EventRecorder } from '../../../lib/events/event-recorder.js';
import { apiCallbacks } from '../../../services/scheduler/process/api-callbacks.js';
import { useSchedulerCluster, boundNode, eventMessage, eventually, fakeNode, pendingPod } from './helpers.js';

// Issue 6, "Must show": preemption of a lower-priority pod, with priorities from PriorityClasses
// resolved by the apiserver. No kubelet runs, so the victim stays Terminating until the test
// confirms the deletion with grace 0, as the victim's kubelet would once its containers stopped.

const env = useSchedulerCluster();
const { schedulers } = env;

beforeAll(async () => {
  const classes = env.client.resource('priorityClass');
  await classes.create({ metadata: { name: 'low' }, value: 100 });
  await classes.create({ metadata: { name: 'high' }, value: 1000 });
});

const ns = 'default';

describe('preemption', () => {
  it('evicts a lower-priority pod gracefully, nominates the node, then binds the preemptor there', async () => {
    await env.client.resource('node').create(fakeNode('only', { cpu: '1' }));
    await schedulers.start();
    const pods = env.client.resource('pod');
    const low = await pods.create(pendingPod('low', ns, { cpu: '800m', spec: { priorityClassName: 'low', terminationGracePeriodSeconds: 30 } }));
    expect(low.spec?.priority).toBe(100);
    expect(await boundNode(env.client, ns, 'low')).toBe('only');

    const high = await pods.create(pendingPod('high', ns, { cpu: '800m', spec: { priorityClassName: 'high' } }));
    expect(high.spec?.priority).toBe(1000);

    // The victim is marked and deleted with its own grace period: it is Terminating, not gone.
    const victim = await eventually(async () => {
      const p = await pods.get(ns, 'low');
      return p.metadata?.deletionTimestamp ? p : undefined;
    });
    expect(victim.metadata?.deletionGracePeriodSeconds).toBe(30);
    expect(victim.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({
      status: 'True',
      reason: 'PreemptionByScheduler',
      message: 'default-scheduler: preempting to accommodate a higher priority pod',
    });
    expect(await eventMessage(env.client, ns, 'low', 'Preempted')).toBe(`Preempted by pod ${high.metadata?.uid} on node only`);

    // The preemptor waits on its nominated node while the victim terminates.
    const nominated = await eventually(async () => {
      const p = await pods.get(ns, 'high');
      return p.status?.nominatedNodeName ? p : undefined;
    });
    expect(nominated.status?.nominatedNodeName).toBe('only');
    expect(nominated.spec?.nodeName ?? '').toBe('');
    expect(await eventMessage(env.client, ns, 'high', 'FailedScheduling')).toBe('0/1 nodes are available: 1 Insufficient cpu.');

    // The "kubelet" confirms the victim stopped.
    await pods.delete(ns, 'low', { gracePeriodSeconds: 0, preconditions: { uid: low.metadata?.uid } });
    expect(await boundNode(env.client, ns, 'high')).toBe('only');
    const bound = await pods.get(ns, 'high');
    expect(bound.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
  });

  it('does not preempt pods of equal or higher priority', async () => {
    await env.client.resource('node').create(fakeNode('only', { cpu: '1' }));
    await schedulers.start();
    const pods = env.client.resource('pod');
    await pods.create(pendingPod('first', ns, { cpu: '800m', spec: { priorityClassName: 'high' } }));
    expect(await boundNode(env.client, ns, 'first')).toBe('only');
    await pods.create(pendingPod('second', ns, { cpu: '800m', spec: { priorityClassName: 'high' } }));
    expect(await eventMessage(env.client, ns, 'second', 'FailedScheduling')).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
    expect((await pods.get(ns, 'first')).metadata?.deletionTimestamp).toBeUndefined();
  });

  it('sets and clears a nomination through the status patch, keeping other conditions', async () => {
    const pods = env.client.resource('pod');
    const created = await pods.create(pendingPod('nominee', ns));
    const callbacks = apiCallbacks({ client: env.client, recorder: new EventRecorder({ client: env.client, component: 'default-scheduler' }), nodeExists: () => true });
    const condition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'no room', lastTransitionTime: new Date().toISOString() };
    await callbacks.updatePodCondition(created, condition, 'n7');
    await callbacks.updatePodCondition(created, { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: 'x' });
    let pod = await pods.get(ns, 'nominee');
    expect(pod.status?.nominatedNodeName).toBe('n7');
    expect(pod.status?.conditions?.map((c) => c.type).sort()).toEqual(['DisruptionTarget', 'PodScheduled']);
    await callbacks.updatePodCondition(created, null, '');
    pod = await pods.get(ns, 'nominee');
    expect(pod.status?.nominatedNodeName ?? '').toBe('');
    expect(pod.status?.conditions).toHaveLength(2);
  });
});
