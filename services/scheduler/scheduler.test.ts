import { describe, expect, it } from 'vitest';
import { Scheduler, type SchedulerOptions } from './scheduler.js';
import { FakeApi } from './testing/fake-api.js';
import { makeNode, makePod } from './testing/builders.js';

const ZONE = 'topology.kubernetes.io/zone';

function setup(options: SchedulerOptions = {}): { api: FakeApi; s: Scheduler } {
  const api = new FakeApi();
  let n = 0;
  // Deterministic tie-breaking: a fixed sequence instead of Math.random.
  const s = new Scheduler(api, { random: () => ((n = (n * 7 + 3) % 11) / 11), ...options });
  api.attach(s);
  return { api, s };
}

describe('Scheduler: binding', () => {
  it('binds a pod to a node that fits and records Scheduled', async () => {
    const { api } = setup();
    api.createNode(makeNode('small').capacity({ cpu: '1', memory: '1Gi' }).obj());
    api.createNode(makeNode('big').capacity({ cpu: '4', memory: '8Gi' }).obj());
    api.createPod(makePod('web').req({ cpu: '2', memory: '1Gi' }).obj());
    await api.runUntilIdle();
    expect(api.bindings).toEqual([{ pod: 'default/web', node: 'big' }]);
    expect(api.eventsFor('default/web')).toEqual([
      { pod: 'default/web', type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned default/web to big' },
    ]);
  });

  it('counts assumed pods before their binding lands', async () => {
    const { api, s } = setup();
    api.createNode(makeNode('n').capacity({ cpu: '1500m', memory: '1Gi' }).obj());
    api.createPod(makePod('a').req({ cpu: '1' }).obj());
    api.createPod(makePod('b').req({ cpu: '1' }).obj());
    // Both cycles run before any binding completes.
    expect(s.scheduleNext()).toMatchObject({ pod: 'default/a', result: 'scheduled', nodeName: 'n' });
    expect(s.scheduleNext()).toMatchObject({ pod: 'default/b', result: 'unschedulable' });
    await s.settle();
    expect(api.bindings).toEqual([{ pod: 'default/a', node: 'n' }]);
    expect(s.cache.assumedCount).toBe(0);
  });

  it('ignores pods for another scheduler', async () => {
    const { api, s } = setup();
    api.createNode(makeNode('n').capacity({ cpu: '1' }).obj());
    api.createPod(makePod('mine').obj());
    api.createPod(makePod('theirs').schedulerName('other-scheduler').obj());
    await api.runUntilIdle();
    expect(api.bindings).toEqual([{ pod: 'default/mine', node: 'n' }]);
    expect(s.queue.where('default/theirs')).toBeUndefined();
  });

  it('schedules pods by priority, then creation time', async () => {
    const { api, s } = setup();
    api.createNode(makeNode('n').capacity({ cpu: '1' }).obj());
    api.createPod(makePod('old-low').priority(1).creationTimestamp('2024-01-01T00:00:00Z').obj());
    api.createPod(makePod('new-high').priority(10).creationTimestamp('2024-01-01T00:00:02Z').obj());
    api.createPod(makePod('old-high').priority(10).creationTimestamp('2024-01-01T00:00:01Z').obj());
    const order = [s.scheduleNext(), s.scheduleNext(), s.scheduleNext()].map((o) => o?.pod);
    expect(order).toEqual(['default/old-high', 'default/new-high', 'default/old-low']);
  });

  it('keeps scheduling others when a pod fits nowhere', async () => {
    const { api } = setup();
    api.createNode(makeNode('n').capacity({ cpu: '1' }).obj());
    api.createPod(makePod('huge').req({ cpu: '64' }).obj());
    api.createPod(makePod('small').req({ cpu: '100m' }).obj());
    await api.runUntilIdle();
    expect(api.nodeOf('default/small')).toBe('n');
    expect(api.nodeOf('default/huge')).toBeUndefined();
    expect(api.pods.get('default/huge')?.status?.phase).toBe('Pending');
  });

  it('rejects a pod whose quantities do not parse, with a clear message', async () => {
    const { api } = setup();
    api.createNode(makeNode('n').capacity({ cpu: '1' }).obj());
    api.createPod(makePod('bad').req({ cpu: 'lots' }).obj());
    await api.runUntilIdle();
    expect(api.eventsFor('default/bad', 'FailedScheduling')[0]?.message).toMatch(/^invalid pod: invalid quantity "lots" for resource cpu/);
  });
});

describe('Scheduler: FailedScheduling wording (kube-scheduler\'s, word for word)', () => {
  const cases = [
    {
      name: 'insufficient cpu',
      nodes: () => [1, 2, 3, 4, 5].map((i) => makeNode(`n${i}`).capacity({ cpu: '1', memory: '4Gi' })),
      pod: () => makePod('p').req({ cpu: '2' }),
      want:
        '0/5 nodes are available: 5 Insufficient cpu. ' +
        'preemption: 0/5 nodes are available: 5 No preemption victims found for incoming pod.',
    },
    {
      name: 'untolerated taint',
      nodes: () => [1, 2, 3, 4, 5].map((i) => makeNode(`n${i}`).capacity({ cpu: '4' }).taint('dedicated', 'gpu')),
      pod: () => makePod('p').req({ cpu: '1' }),
      want:
        '0/5 nodes are available: 5 node(s) had untolerated taint {dedicated: gpu}. ' +
        'preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.',
    },
    {
      name: 'node selector mismatch',
      nodes: () => [1, 2, 3, 4, 5].map((i) => makeNode(`n${i}`).capacity({ cpu: '4' }).label('disk', 'hdd')),
      pod: () => makePod('p').nodeSelector({ disk: 'ssd' }),
      want:
        "0/5 nodes are available: 5 node(s) didn't match Pod's node affinity/selector. " +
        'preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.',
    },
    {
      name: 'a mix: counts sorted as strings, as Go\'s sort.Strings does',
      nodes: () => [
        makeNode('n1').capacity({ cpu: '1' }),
        makeNode('n2').capacity({ cpu: '1' }),
        makeNode('n3').capacity({ cpu: '1' }),
        makeNode('n4').capacity({ cpu: '4' }).taint('dedicated', 'gpu'),
        makeNode('n5').capacity({ cpu: '4' }).taint('dedicated', 'gpu'),
      ],
      pod: () => makePod('p').req({ cpu: '2' }),
      want:
        '0/5 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient cpu. ' +
        'preemption: 0/5 nodes are available: 2 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.',
    },
    {
      name: 'a mix of four reasons, with a node lacking two resources',
      nodes: () => [
        makeNode('n1').capacity({ cpu: '1', memory: '1Gi' }),
        makeNode('n2').capacity({ cpu: '1', memory: '8Gi' }),
        makeNode('n3').capacity({ cpu: '4', memory: '8Gi' }).unschedulable(),
        makeNode('n4').capacity({ cpu: '4', memory: '8Gi' }).label('disk', 'hdd'),
        makeNode('n5').capacity({ cpu: '4', memory: '8Gi' }).ready('False'),
      ],
      pod: () => makePod('p').req({ cpu: '2', memory: '2Gi' }).nodeAffinityTerm([{ key: 'disk', operator: 'NotIn', values: ['hdd'] }]),
      want:
        "0/5 nodes are available: 1 Insufficient memory, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were not ready, " +
        '1 node(s) were unschedulable, 2 Insufficient cpu. ' +
        'preemption: 0/5 nodes are available: 2 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.',
    },
  ];

  it.each(cases)('$name', async ({ nodes, pod, want }) => {
    const { api } = setup();
    for (const n of nodes()) api.createNode(n.obj());
    api.createPod(pod().obj());
    await api.runUntilIdle();
    expect(api.eventsFor('default/p', 'FailedScheduling').map((e) => e.message)).toEqual([want]);
    expect(api.eventsFor('default/p', 'FailedScheduling')[0]?.type).toBe('Warning');
    expect(api.condition('default/p')).toMatchObject({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: want });
  });

  it('with no nodes at all', async () => {
    const { api } = setup();
    api.createPod(makePod('p').obj());
    await api.runUntilIdle();
    expect(api.eventsFor('default/p', 'FailedScheduling').map((e) => e.message)).toEqual(['no nodes available to schedule pods']);
  });
});

describe('Scheduler: spreading', () => {
  it('3 zones × 2 nodes, 6 pods, maxSkew 1 → exactly 2 pods per zone', async () => {
    const { api } = setup();
    for (const zone of ['a', 'b', 'c']) {
      for (const i of [1, 2]) api.createNode(makeNode(`${zone}${i}`).capacity({ cpu: '8', memory: '16Gi' }).label(ZONE, zone).obj());
    }
    for (let i = 0; i < 6; i++) {
      api.createPod(makePod(`web-${i}`).label('app', 'web').req({ cpu: '100m' }).spreadConstraint(1, ZONE, 'DoNotSchedule', { app: 'web' }).obj());
    }
    await api.runUntilIdle();
    const perZone = new Map<string, number>();
    for (let i = 0; i < 6; i++) {
      const node = api.nodeOf(`default/web-${i}`);
      expect(node).toBeDefined();
      const zone = api.nodes.get(node as string)?.metadata?.labels?.[ZONE] as string;
      perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
    }
    expect(Object.fromEntries(perZone)).toEqual({ a: 2, b: 2, c: 2 });
  });

  it('keeps the skew even when every cycle runs before any binding lands', async () => {
    const { api, s } = setup();
    for (const zone of ['a', 'b', 'c']) api.createNode(makeNode(zone).capacity({ cpu: '8' }).label(ZONE, zone).obj());
    for (let i = 0; i < 6; i++) {
      api.createPod(makePod(`w${i}`).label('app', 'w').spreadConstraint(1, ZONE, 'DoNotSchedule', { app: 'w' }).obj());
    }
    const nodes = [];
    for (let i = 0; i < 6; i++) nodes.push((s.scheduleNext() as { nodeName: string }).nodeName);
    expect(nodes.sort()).toEqual(['a', 'a', 'b', 'b', 'c', 'c']);
  });
});

describe('Scheduler: preemption', () => {
  it('evicts the lowest-priority pods needed, nominates the node, then binds there', async () => {
    const { api, s } = setup();
    api.createNode(makeNode('n1').capacity({ cpu: '2', memory: '4Gi' }).obj());
    api.createPod(makePod('low-a').priority(1).req({ cpu: '1' }).node('n1').startTime('2024-01-01T00:00:00Z').obj());
    api.createPod(makePod('low-b').priority(2).req({ cpu: '1' }).node('n1').startTime('2024-01-01T00:00:00Z').obj());
    api.createPod(makePod('vip').priority(100).req({ cpu: '1' }).obj());

    const first = s.scheduleNext();
    expect(first).toMatchObject({ result: 'unschedulable', nominatedNodeName: 'n1', message: '0/1 nodes are available: 1 Insufficient cpu.' });
    await api.runUntilIdle();
    expect(api.deleted).toEqual(['default/low-a']);
    expect(api.condition('default/low-b', 'DisruptionTarget')).toBeUndefined();
    expect(api.eventsFor('default/low-a', 'Preempted')[0]?.message).toBe('Preempted by pod default-vip-uid on node n1');
    expect(api.pods.get('default/vip')?.status?.nominatedNodeName).toBe('n1');
    // The victim's deletion requeues the preemptor, which waits out its backoff.
    expect(s.queue.where('default/vip')).toBe('backoff');
    api.advance(1000);
    await api.runUntilIdle();
    expect(api.nodeOf('default/vip')).toBe('n1');
  });

  it('marks the victim DisruptionTarget before deleting it', async () => {
    const { api, s } = setup();
    api.createNode(makeNode('n1').capacity({ cpu: '1' }).obj());
    api.createPod(makePod('low').req({ cpu: '1' }).node('n1').obj());
    const conditions: string[] = [];
    const update = api.updatePodCondition.bind(api);
    api.updatePodCondition = async (pod, condition, nominated) => {
      if (condition) conditions.push(`${pod.metadata?.name}:${condition.type}:${condition.reason}`);
      return update(pod, condition, nominated);
    };
    api.createPod(makePod('high').priority(10).req({ cpu: '1' }).obj());
    s.scheduleNext();
    await s.settle();
    expect(conditions).toContain('low:DisruptionTarget:PreemptionByScheduler');
    expect(api.deleted).toEqual(['default/low']);
  });

  it('prefers the node with the fewest and least important victims', async () => {
    const { api, s } = setup();
    for (const n of ['two-victims', 'one-victim', 'important']) api.createNode(makeNode(n).capacity({ cpu: '2' }).obj());
    api.createPod(makePod('a').priority(1).req({ cpu: '1' }).node('two-victims').obj());
    api.createPod(makePod('b').priority(1).req({ cpu: '1' }).node('two-victims').obj());
    api.createPod(makePod('c').priority(1).req({ cpu: '2' }).node('one-victim').obj());
    api.createPod(makePod('d').priority(50).req({ cpu: '2' }).node('important').obj());
    api.createPod(makePod('vip').priority(100).req({ cpu: '2' }).obj());
    expect(s.scheduleNext()).toMatchObject({ nominatedNodeName: 'one-victim' });
    await api.runUntilIdle();
    expect(api.deleted).toEqual(['default/c']);
    api.advance(1000);
    await api.runUntilIdle();
    expect(api.nodeOf('default/vip')).toBe('one-victim');
  });

  it('never preempts pods of equal or higher priority', async () => {
    const { api } = setup();
    api.createNode(makeNode('n1').capacity({ cpu: '1' }).obj());
    api.createPod(makePod('peer').priority(10).req({ cpu: '1' }).node('n1').obj());
    api.createPod(makePod('p').priority(10).req({ cpu: '1' }).obj());
    await api.runUntilIdle();
    expect(api.deleted).toEqual([]);
    expect(api.eventsFor('default/p', 'FailedScheduling')[0]?.message).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
  });

  it('does not preempt for a pod with preemptionPolicy Never', async () => {
    const { api } = setup();
    api.createNode(makeNode('n1').capacity({ cpu: '1' }).obj());
    api.createPod(makePod('low').req({ cpu: '1' }).node('n1').obj());
    api.createPod(makePod('p').priority(10).preemptionPolicy('Never').req({ cpu: '1' }).obj());
    await api.runUntilIdle();
    expect(api.deleted).toEqual([]);
    expect(api.eventsFor('default/p', 'FailedScheduling')[0]?.message).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
    );
  });

  it('keeps the nominated room from lower-priority pods', async () => {
    const { api, s } = setup();
    api.createNode(makeNode('n1').capacity({ cpu: '2' }).obj());
    api.createPod(makePod('victim').priority(0).req({ cpu: '2' }).node('n1').obj());
    api.createPod(makePod('vip').priority(100).req({ cpu: '2' }).obj());
    // Preempt, but keep the victim around (graceful deletion takes a while).
    api.deletePod = async () => {};
    expect(s.scheduleNext()).toMatchObject({ nominatedNodeName: 'n1' });
    await s.settle();
    api.removePod('default/victim');
    api.createPod(makePod('sneaky').priority(5).req({ cpu: '1' }).obj());
    await api.runUntilIdle();
    expect(api.nodeOf('default/sneaky')).toBeUndefined();
    api.advance(1000);
    await api.runUntilIdle();
    expect(api.nodeOf('default/vip')).toBe('n1');
    expect(api.nodeOf('default/sneaky')).toBeUndefined();
  });
});

describe('Scheduler: requeueing', () => {
  it('retries an unschedulable pod when a node is added', async () => {
    const { api, s } = setup();
    api.createPod(makePod('p').req({ cpu: '1' }).obj());
    await api.runUntilIdle();
    expect(s.queue.where('default/p')).toBe('unschedulable');
    api.createNode(makeNode('n').capacity({ cpu: '2' }).obj());
    api.advance(1000);
    await api.runUntilIdle();
    expect(api.nodeOf('default/p')).toBe('n');
  });

  it('only events that could help requeue a pod', async () => {
    const { api, s } = setup();
    api.createNode(makeNode('n').capacity({ cpu: '2' }).taint('dedicated', 'gpu').obj());
    api.createNode(makeNode('other').capacity({ cpu: '2' }).taint('dedicated', 'gpu').obj());
    api.createPod(makePod('bystander').node('other').obj());
    api.createPod(makePod('p').obj());
    await api.runUntilIdle();
    expect(s.queue.where('default/p')).toBe('unschedulable');

    // TaintToleration rejected it: a freed pod slot changes nothing.
    api.removePod('default/bystander');
    expect(s.queue.where('default/p')).toBe('unschedulable');

    api.updateNode(makeNode('n').capacity({ cpu: '2' }).obj());
    expect(s.queue.where('default/p')).not.toBe('unschedulable');
    api.advance(10_000);
    await api.runUntilIdle();
    expect(api.nodeOf('default/p')).toBe('n');
  });

  it('retries after a failed binding, with backoff, and forgets the assumption', async () => {
    const { api, s } = setup();
    api.createNode(makeNode('n').capacity({ cpu: '1' }).obj());
    api.failBind = () => new Error('etcdserver: request timed out');
    api.createPod(makePod('p').req({ cpu: '1' }).obj());
    await api.runUntilIdle();
    expect(s.cache.assumedCount).toBe(0);
    expect(s.queue.where('default/p')).toBe('backoff');
    expect(api.eventsFor('default/p', 'FailedScheduling').map((e) => e.message)).toEqual(['etcdserver: request timed out']);
    expect(api.condition('default/p')).toMatchObject({ reason: 'SchedulerError' });

    api.failBind = undefined;
    api.advance(500);
    expect(s.queue.where('default/p')).toBe('backoff');
    api.advance(500);
    await api.runUntilIdle();
    expect(api.nodeOf('default/p')).toBe('n');
  });

  it('a node that disappears before the binding leads to a retry elsewhere', async () => {
    const { api, s } = setup();
    api.createNode(makeNode('doomed').capacity({ cpu: '4' }).obj());
    api.createNode(makeNode('stays').capacity({ cpu: '1' }).obj());
    api.createPod(makePod('p').req({ cpu: '1' }).obj());
    expect(s.scheduleNext()).toMatchObject({ nodeName: 'doomed' });
    api.removeNode('doomed');
    await s.settle();
    expect(api.nodeOf('default/p')).toBeUndefined();
    api.advance(1000);
    await api.runUntilIdle();
    expect(api.nodeOf('default/p')).toBe('stays');
  });

  it('a queued pod the cache already holds as bound is skipped, not assumed again', async () => {
    const { api, s } = setup();
    api.createNode(makeNode('n').capacity({ cpu: '1' }).obj());
    const pod = makePod('p').obj();
    api.createPod(pod);
    const bound = { ...pod, spec: { ...pod.spec, nodeName: 'n' } };
    // The cache learns it is bound while it is still queued: the cycle leaves it alone.
    s.cache.addPod(bound);
    expect(s.scheduleNext()).toMatchObject({ pod: 'default/p', result: 'skipped' });
    // The informer reports it bound as an add (by another scheduler, or a binding made before a restart): it leaves the queue.
    const other = makePod('q').obj();
    api.createPod(other);
    expect(s.queue.where('default/q')).toBeDefined();
    s.onPodAdd({ ...other, spec: { ...other.spec, nodeName: 'n' } });
    expect(s.queue.where('default/q')).toBeUndefined();
    expect(s.scheduleNext()).toBeUndefined();
    await s.settle();
    expect(api.bindings).toEqual([]);
  });

  it('a pod deleted while its binding is in flight is not requeued', async () => {
    const { api, s } = setup();
    api.createNode(makeNode('n').capacity({ cpu: '1' }).obj());
    api.createPod(makePod('p').obj());
    s.scheduleNext();
    api.removePod('default/p');
    await s.settle();
    expect(s.queue.where('default/p')).toBeUndefined();
    expect(s.cache.podCount).toBe(0);
  });
});

describe('Scheduler: sampling', () => {
  it.each([
    { nodes: 10, pct: 0, want: 10 },
    { nodes: 100, pct: 0, want: 100 },
    { nodes: 1000, pct: 0, want: 420 },
    { nodes: 5000, pct: 0, want: 500 },
    { nodes: 6000, pct: 0, want: 300 },
    { nodes: 1000, pct: 30, want: 300 },
    { nodes: 200, pct: 10, want: 100 },
  ])('$nodes nodes at $pct% → $want', ({ nodes, pct, want }) => {
    const { s } = setup({ percentageOfNodesToScore: pct });
    expect(s.numFeasibleNodesToFind(nodes)).toBe(want);
  });

  it('looks at only a sample of a big cluster, starting where the last pod stopped', async () => {
    const { api, s } = setup();
    for (let i = 0; i < 1000; i++) api.createNode(makeNode(`n${i}`).capacity({ cpu: '4' }).obj());
    api.createPod(makePod('a').obj());
    api.createPod(makePod('b').obj());
    const spy = { evaluated: [] as number[] };
    const schedulePod = s.schedulePod.bind(s);
    s.schedulePod = (state, pod) => {
      const r = schedulePod(state, pod);
      spy.evaluated.push(r.evaluatedNodes);
      return r;
    };
    await api.runUntilIdle();
    expect(spy.evaluated).toEqual([420, 420]);
  });
});

describe('Scheduler: run loop', () => {
  it('schedules as pods arrive and stops on abort', async () => {
    const { api, s } = setup();
    const ac = new AbortController();
    const running = s.run(ac.signal);
    api.createNode(makeNode('n').capacity({ cpu: '2' }).obj());
    for (let i = 0; i < 5; i++) api.createPod(makePod(`p${i}`).req({ cpu: '100m' }).obj());
    for (let i = 0; i < 100 && api.bindings.length < 5; i++) await new Promise((r) => setTimeout(r, 5));
    expect(api.bindings).toHaveLength(5);
    ac.abort();
    await running;
    api.createPod(makePod('late').obj());
    await new Promise((r) => setTimeout(r, 20));
    expect(api.nodeOf('default/late')).toBeUndefined();
  });

  it('runs the cycles of the pods waiting in one turn of the event loop, until its time budget is spent', async () => {
    const cyclesInFirstTurn = async (msPerCycle: number): Promise<number> => {
      const { api, s } = setup();
      api.createNode(makeNode('n').capacity({ cpu: '2' }).obj());
      for (let i = 0; i < 5; i++) api.createPod(makePod(`p${i}`).req({ cpu: '100m' }).obj());
      let cycles = 0;
      const schedulePod = s.schedulePod.bind(s);
      s.schedulePod = (state, pod) => {
        cycles++;
        api.clock += msPerCycle;
        return schedulePod(state, pod);
      };
      const ac = new AbortController();
      const running = s.run(ac.signal);
      await new Promise((r) => setImmediate(r));
      const inFirstTurn = cycles;
      ac.abort();
      await running;
      return inFirstTurn;
    };
    expect(await cyclesInFirstTurn(0)).toBe(5);
    expect(await cyclesInFirstTurn(5)).toBe(1);
  });

  it('informer handlers log a failing notification instead of throwing', () => {
    const { s } = setup();
    const handlers = s.podHandlers();
    const broken = { metadata: { name: 'x' }, spec: { nodeName: 'n' } };
    Object.defineProperty(broken.spec, 'containers', { get: () => { throw new Error('boom'); } });
    expect(() => handlers.onAdd(broken)).not.toThrow();
  });
});
