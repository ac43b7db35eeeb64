import { describe, expect, it } from 'vitest';
import { useSchedulerCluster, boundNode, eventMessage, fakeNode, pendingPod, sleep } from './helpers.js';

// Issue 6, "Must show": the scheduler process against a real apiserver and etcd, with fake Node
// objects (no kubelets). Each test starts its own scheduler on an empty cluster.

const env = useSchedulerCluster();
const { schedulers } = env;

const ns = 'default';

describe('scheduler placement', () => {
  it('binds a pod, records Scheduled, and sets PodScheduled=True', async () => {
    await env.client.resource('node').create(fakeNode('n1'));
    await schedulers.start();
    await env.client.resource('pod').create(pendingPod('web', ns, { cpu: '100m' }));
    expect(await boundNode(env.client, ns, 'web')).toBe('n1');
    expect(await eventMessage(env.client, ns, 'web', 'Scheduled')).toBe('Successfully assigned default/web to n1');
    const pod = await env.client.resource('pod').get(ns, 'web');
    expect(pod.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
    const event = (await env.client.resource('event').list(ns)).items.find((e) => e.involvedObject?.name === 'web');
    expect(event).toMatchObject({ type: 'Normal', source: { component: 'default-scheduler' }, involvedObject: { kind: 'Pod', uid: pod.metadata?.uid } });
  });

  it('fits pods by resources: a pod goes where its requests fit', async () => {
    const nodes = env.client.resource('node');
    await nodes.create(fakeNode('small', { cpu: '1', memory: '1Gi' }));
    await nodes.create(fakeNode('big', { cpu: '8', memory: '16Gi' }));
    await schedulers.start();
    const pods = env.client.resource('pod');
    await pods.create(pendingPod('needs-cpu', ns, { cpu: '2' }));
    await pods.create(pendingPod('needs-memory', ns, { memory: '4Gi' }));
    expect(await boundNode(env.client, ns, 'needs-cpu')).toBe('big');
    expect(await boundNode(env.client, ns, 'needs-memory')).toBe('big');
  });

  it('respects nodeSelector and required node affinity', async () => {
    const nodes = env.client.resource('node');
    await nodes.create(fakeNode('ssd-1', { labels: { disk: 'ssd', zone: 'a' } }));
    await nodes.create(fakeNode('hdd-1', { labels: { disk: 'hdd', zone: 'b' } }));
    await nodes.create(fakeNode('gpu-1', { labels: { disk: 'hdd', zone: 'c', gpu: 'true' } }));
    await schedulers.start();
    const pods = env.client.resource('pod');
    await pods.create(pendingPod('selector', ns, { spec: { nodeSelector: { disk: 'ssd' } } }));
    await pods.create(
      pendingPod('affinity', ns, {
        spec: {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }, { key: 'gpu', operator: 'DoesNotExist' }] }],
              },
            },
          },
        },
      }),
    );
    expect(await boundNode(env.client, ns, 'selector')).toBe('ssd-1');
    expect(await boundNode(env.client, ns, 'affinity')).toBe('hdd-1');
  });

  it('keeps pods off tainted nodes unless they tolerate the taint', async () => {
    const nodes = env.client.resource('node');
    await nodes.create(fakeNode('tainted', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }));
    await nodes.create(fakeNode('plain', { cpu: '1' }));
    await schedulers.start();
    const pods = env.client.resource('pod');
    await pods.create(pendingPod('intolerant', ns, { cpu: '100m' }));
    await pods.create(
      pendingPod('tolerant', ns, {
        cpu: '2',
        spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] },
      }),
    );
    expect(await boundNode(env.client, ns, 'intolerant')).toBe('plain');
    expect(await boundNode(env.client, ns, 'tolerant')).toBe('tainted');
  });

  it('spreads 6 pods over 3 zones x 2 nodes with maxSkew 1: exactly 2 per zone', async () => {
    const nodes = env.client.resource('node');
    for (const zone of ['a', 'b', 'c']) {
      for (const i of [1, 2]) await nodes.create(fakeNode(`${zone}-${i}`, { labels: { 'topology.kubernetes.io/zone': `zone-${zone}` } }));
    }
    await schedulers.start();
    const pods = env.client.resource('pod');
    const spread = {
      labels: { app: 'spread' },
      spec: {
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } },
        ],
      },
    };
    await Promise.all(Array.from({ length: 6 }, (_, i) => pods.create(pendingPod(`spread-${i}`, ns, spread))));
    const placed = await Promise.all(Array.from({ length: 6 }, (_, i) => boundNode(env.client, ns, `spread-${i}`)));
    const perZone = new Map<string, number>();
    for (const node of placed) perZone.set(node[0]!, (perZone.get(node[0]!) ?? 0) + 1);
    expect(Object.fromEntries(perZone)).toEqual({ a: 2, b: 2, c: 2 });
  });

  it('retries a pending pod as soon as a node is added (no polling)', async () => {
    await env.client.resource('node').create(fakeNode('too-small', { cpu: '500m' }));
    await schedulers.start();
    const pods = env.client.resource('pod');
    await pods.create(pendingPod('waiting', ns, { cpu: '1' }));
    expect(await eventMessage(env.client, ns, 'waiting', 'FailedScheduling')).toMatch(/^0\/1 nodes are available: 1 Insufficient cpu\./);
    await env.client.resource('node').create(fakeNode('late', { cpu: '1' }));
    // boundNode's deadline is far below the 5-minute flush of unschedulable pods: the node event moved it.
    expect(await boundNode(env.client, ns, 'waiting')).toBe('late');
  });

  it('leaves pods for another scheduler alone and schedules its own', async () => {
    await env.client.resource('node').create(fakeNode('n1'));
    await schedulers.start();
    await schedulers.start({ schedulerName: 'other-scheduler' });
    const pods = env.client.resource('pod');
    await pods.create(pendingPod('mine', ns));
    await pods.create(pendingPod('theirs', ns, { spec: { schedulerName: 'other-scheduler' } }));
    await pods.create(pendingPod('nobodys', ns, { spec: { schedulerName: 'absent-scheduler' } }));
    expect(await boundNode(env.client, ns, 'mine')).toBe('n1');
    expect(await boundNode(env.client, ns, 'theirs')).toBe('n1');
    const theirs = (await env.client.resource('event').list(ns)).items.find((e) => e.involvedObject?.name === 'theirs' && e.reason === 'Scheduled');
    expect(theirs?.source?.component).toBe('other-scheduler');
    await sleep(1000);
    const nobodys = await pods.get(ns, 'nobodys');
    expect(nobodys.spec?.nodeName ?? '').toBe('');
    expect(nobodys.status?.conditions ?? []).toEqual([]);
  });
});
