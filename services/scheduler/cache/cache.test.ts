import { describe, expect, it } from 'vitest';
import { PodInfo } from '../framework/pod-info.js';
import { makeNode, makePod } from '../testing/builders.js';
import { SchedulerCache } from './cache.js';
import { zoneKey } from './node-tree.js';
import { Snapshot } from './snapshot.js';

const ZONE = 'topology.kubernetes.io/zone';

function assumed(name: string, node: string, cpu = '1') {
  const pod = makePod(name).req({ cpu }).obj();
  return PodInfo.of(pod).withPod({ ...pod, spec: { ...pod.spec, nodeName: node } });
}

describe('SchedulerCache', () => {
  it('counts an assumed pod until it is forgotten', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('n').capacity({ cpu: '4' }).obj());
    const p = assumed('p', 'n');
    cache.assumePod(p);
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    expect(snap.get('n')?.requested.milliCPU).toBe(1000);
    expect(cache.isAssumed(p.uid)).toBe(true);
    cache.forgetPod(p);
    cache.updateSnapshot(snap);
    expect(snap.get('n')?.requested.milliCPU).toBe(0);
    expect(cache.podCount).toBe(0);
  });

  it('confirms an assumed pod when the informer reports it bound, even to another node', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('a').obj());
    cache.addNode(makeNode('b').obj());
    const p = assumed('p', 'a');
    cache.assumePod(p);
    cache.addPod({ ...p.pod, spec: { ...p.pod.spec, nodeName: 'b' } });
    expect(cache.isAssumed(p.uid)).toBe(false);
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    expect(snap.get('a')?.pods).toHaveLength(0);
    expect(snap.get('b')?.pods.map((x) => x.name)).toEqual(['p']);
    cache.forgetPod(p);
    expect(cache.podCount).toBe(1);
  });

  it('refuses to assume a pod twice or without a node', () => {
    const cache = new SchedulerCache();
    cache.assumePod(assumed('p', 'n'));
    expect(() => cache.assumePod(assumed('p', 'n'))).toThrow(/already in the cache/);
    expect(() => cache.assumePod(PodInfo.of(makePod('q').obj()))).toThrow(/without a node name/);
  });

  it('keeps the accounting of pods on a deleted node until they go too', () => {
    const cache = new SchedulerCache();
    const node = makeNode('n').capacity({ cpu: '4' }).obj();
    cache.addNode(node);
    const pod = makePod('p').req({ cpu: '1' }).node('n').obj();
    cache.addPod(pod);
    cache.removeNode(node);
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    expect(snap.list()).toHaveLength(0);
    cache.addNode(node);
    cache.updateSnapshot(snap);
    expect(snap.get('n')?.requested.milliCPU).toBe(1000);
    cache.removePod(pod);
    cache.removeNode(node);
    cache.updateSnapshot(snap);
    expect(snap.get('n')).toBeUndefined();
  });

  it('updates the snapshot incrementally: only changed nodes are copied', () => {
    const cache = new SchedulerCache();
    for (const n of ['a', 'b', 'c']) cache.addNode(makeNode(n).capacity({ cpu: '4' }).obj());
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    const before = new Map(snap.list().map((n) => [n.name, { info: n, pods: n.pods }]));
    cache.addPod(makePod('p').node('b').obj());
    cache.updateSnapshot(snap);
    const after = new Map(snap.list().map((n) => [n.name, n]));
    // NodeInfo objects are kept; only b's contents were replaced.
    for (const n of ['a', 'b', 'c']) expect(after.get(n)).toBe(before.get(n)?.info);
    expect(after.get('a')?.pods).toBe(before.get('a')?.pods);
    expect(after.get('c')?.pods).toBe(before.get('c')?.pods);
    expect(after.get('b')?.pods).not.toBe(before.get('b')?.pods);
    expect(after.get('b')?.pods).toHaveLength(1);
  });

  it('snapshot NodeInfos do not change when the cache does', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('n').obj());
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    cache.addPod(makePod('p').node('n').obj());
    expect(snap.get('n')?.pods).toHaveLength(0);
  });

  it('lists nodes zone by zone in turn', () => {
    const cache = new SchedulerCache();
    for (const [name, zone] of [['a1', 'a'], ['a2', 'a'], ['a3', 'a'], ['b1', 'b'], ['c1', 'c'], ['c2', 'c']]) {
      cache.addNode(makeNode(name as string).label(ZONE, zone as string).obj());
    }
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    expect(snap.list().map((n) => n.name)).toEqual(['a1', 'b1', 'c1', 'a2', 'c2', 'a3']);
    expect(zoneKey({ [ZONE]: 'a' })).toBe(':\0:a');
  });

  it('tracks the nodes with affinity pods and image spread', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('a').image(['app:v1'], 100).obj());
    cache.addNode(makeNode('b').image(['app:v1'], 100).obj());
    cache.addNode(makeNode('c').obj());
    cache.addPod(makePod('anti').podAntiAffinity('kubernetes.io/hostname', { app: 'x' }).node('c').obj());
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    expect(snap.havePodsWithAffinityList().map((n) => n.name)).toEqual(['c']);
    expect(snap.havePodsWithRequiredAntiAffinityList().map((n) => n.name)).toEqual(['c']);
    expect(snap.imageNumNodes('app:v1')).toBe(2);
    cache.updateNode(makeNode('b').obj());
    cache.updateSnapshot(snap);
    expect(snap.imageNumNodes('app:v1')).toBe(1);
  });
});
