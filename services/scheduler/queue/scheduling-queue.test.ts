import { describe, expect, it } from 'vitest';
import { AssignedPodDeleted, NodeAdded, clusterEvent, ActionType } from '../framework/events.js';
import { makePod } from '../testing/builders.js';
import { SchedulingQueue, type QueuedPodInfo } from './scheduling-queue.js';

function setup(eventsFor: Record<string, ReturnType<typeof clusterEvent>[]> = {}) {
  const clock = { now: 0 };
  const q = new SchedulingQueue({ now: () => clock.now, eventsFor: (p) => eventsFor[p] });
  return { q, clock };
}

/** Pops the pod and reports it unschedulable, as a failed cycle does. */
function failOnce(q: SchedulingQueue, plugins: string[] = ['P']): QueuedPodInfo {
  const p = q.tryPop() as QueuedPodInfo;
  q.addUnschedulable(p, q.schedulingCycle, new Set(plugins));
  return p;
}

describe('SchedulingQueue', () => {
  it('pops by priority, then creation time, then arrival', () => {
    const { q } = setup();
    q.add(makePod('low').priority(1).creationTimestamp('2024-01-01T00:00:00Z').obj());
    q.add(makePod('high-new').priority(5).creationTimestamp('2024-01-01T00:00:09Z').obj());
    q.add(makePod('high-old').priority(5).creationTimestamp('2024-01-01T00:00:01Z').obj());
    q.add(makePod('high-old-twin').priority(5).creationTimestamp('2024-01-01T00:00:01Z').obj());
    const order = [1, 2, 3, 4].map(() => q.tryPop()?.podInfo.name);
    expect(order).toEqual(['high-old', 'high-old-twin', 'high-new', 'low']);
  });

  it('pop waits for a pod and ends on abort', async () => {
    const { q } = setup();
    const waiting = q.pop();
    q.add(makePod('p').obj());
    expect((await waiting)?.podInfo.name).toBe('p');
    const ac = new AbortController();
    const never = q.pop(ac.signal);
    ac.abort();
    expect(await never).toBeUndefined();
  });

  it('parks unschedulable pods until an event one of their plugins registered', () => {
    const { q } = setup({ Fit: [clusterEvent('AssignedPod', ActionType.Delete, 'x')], Taint: [NodeAdded] });
    q.add(makePod('p').obj());
    failOnce(q, ['Taint']);
    expect(q.where('default/p')).toBe('unschedulable');
    q.moveAllToActiveOrBackoff(AssignedPodDeleted);
    expect(q.where('default/p')).toBe('unschedulable');
    q.moveAllToActiveOrBackoff(NodeAdded);
    expect(q.where('default/p')).toBe('backoff');
  });

  it('a plugin that registered no events is woken by any event', () => {
    const { q } = setup();
    q.add(makePod('p').obj());
    failOnce(q, ['Unknown']);
    q.moveAllToActiveOrBackoff(AssignedPodDeleted);
    expect(q.where('default/p')).toBe('backoff');
  });

  it('an event during the cycle sends the failed pod to backoff, not the pool', () => {
    const { q } = setup({ P: [NodeAdded] });
    q.add(makePod('p').obj());
    const p = q.tryPop() as QueuedPodInfo;
    const cycle = q.schedulingCycle;
    q.moveAllToActiveOrBackoff(NodeAdded);
    q.addUnschedulable(p, cycle, new Set(['P']));
    expect(q.where('default/p')).toBe('backoff');
  });

  it('backs off 1 s, doubling per attempt up to 10 s', () => {
    const { q, clock } = setup();
    q.add(makePod('p').obj());
    const waits: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const p = q.tryPop() as QueuedPodInfo;
      q.addBackoff(p);
      const start = clock.now;
      for (let i = 0; i < 100 && q.where('default/p') !== 'active'; i++) {
        clock.now += 500;
        q.flushBackoffCompleted();
      }
      waits.push(clock.now - start);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('flushes pods unschedulable for 5 minutes', () => {
    const { q, clock } = setup({ P: [NodeAdded] });
    q.add(makePod('p').obj());
    failOnce(q);
    clock.now += 4 * 60_000;
    q.flushUnschedulableLeftover();
    expect(q.where('default/p')).toBe('unschedulable');
    clock.now += 60_000;
    q.flushUnschedulableLeftover();
    expect(q.where('default/p')).toBe('active');
  });

  it('a spec change requeues a parked pod; a status change does not', () => {
    const { q } = setup({ P: [NodeAdded] });
    const v1 = makePod('p').obj();
    q.add(v1);
    failOnce(q);
    const v2 = { ...v1, status: { ...v1.status, conditions: [{ type: 'PodScheduled', status: 'False' }] } };
    q.update(v2, v1);
    expect(q.where('default/p')).toBe('unschedulable');
    const v3 = { ...v2, spec: { ...v2.spec, tolerations: [{ operator: 'Exists' }] } };
    q.update(v3, v2);
    expect(q.where('default/p')).toBe('backoff');
  });

  it('delete removes the pod from every queue and from the nominations', () => {
    const { q } = setup();
    const pod = makePod('p').nominatedNodeName('n1').obj();
    q.add(pod);
    expect(q.nominatedPodsForNode('n1').map((p) => p.name)).toEqual(['p']);
    q.delete(pod);
    expect(q.where('default/p')).toBeUndefined();
    expect(q.nominatedPodsForNode('n1')).toEqual([]);
  });

  it('keeps an in-memory nomination through updates that never carried it', () => {
    const { q } = setup();
    const v1 = makePod('p').obj();
    q.add(v1);
    const p = q.tryPop() as QueuedPodInfo;
    q.addNominatedPod(p.podInfo, 'n1');
    const v2 = { ...v1, metadata: { ...v1.metadata, labels: { a: 'b' } } };
    q.update(v2, v1);
    expect(q.nominatedNodeOf(p.podInfo)).toBe('n1');
    const v3 = { ...v2, status: { ...v2.status, nominatedNodeName: 'n1' } };
    q.update(v3, v2);
    const v4 = { ...v3, status: { ...v3.status, nominatedNodeName: '' } };
    q.update(v4, v3);
    expect(q.nominatedPodsForNode('n1')).toEqual([]);
  });
});
