import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import type { SchedulerCallbacks } from '../../../services/scheduler/scheduler.js';
import { useSchedulerCluster, boundNode, eventMessage, eventually, fakeNode, pendingPod } from './helpers.js';

// Issue 6, "Bad input": pods that fit nowhere stay Pending with kube-scheduler's exact
// FailedScheduling text (reasons counted per node and sorted as strings, then the preemption
// outcome), others keep being scheduled, and a node deleted between filter and bind means a retry.

const env = useSchedulerCluster();
const { schedulers } = env;

const ns = 'default';
const gpuTaint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

async function expectPendingWith(name: string, message: string): Promise<void> {
  expect(await eventMessage(env.client, ns, name, 'FailedScheduling')).toBe(message);
  const pod = await eventually(async () => {
    const p = await env.client.resource('pod').get(ns, name);
    return p.status?.conditions?.some((c) => c.type === 'PodScheduled') ? p : undefined;
  });
  expect(pod.spec?.nodeName ?? '').toBe('');
  expect(pod.status?.phase).toBe('Pending');
  expect(pod.status?.conditions?.find((c) => c.type === 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable', message });
}

describe('FailedScheduling in kube-scheduler words', () => {
  it('insufficient cpu', async () => {
    const nodes = env.client.resource('node');
    await nodes.create(fakeNode('n1', { cpu: '1' }));
    await nodes.create(fakeNode('n2', { cpu: '1' }));
    await schedulers.start();
    await env.client.resource('pod').create(pendingPod('hungry', ns, { cpu: '2' }));
    await expectPendingWith(
      'hungry',
      '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
    );
  });

  it('untolerated taint', async () => {
    const nodes = env.client.resource('node');
    await nodes.create(fakeNode('g1', { taints: [gpuTaint] }));
    await nodes.create(fakeNode('g2', { taints: [gpuTaint] }));
    await schedulers.start();
    await env.client.resource('pod').create(pendingPod('plain', ns));
    await expectPendingWith(
      'plain',
      '0/2 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
  });

  it('node selector mismatch', async () => {
    const nodes = env.client.resource('node');
    await nodes.create(fakeNode('h1', { labels: { disk: 'hdd' } }));
    await nodes.create(fakeNode('h2', { labels: { disk: 'hdd' } }));
    await nodes.create(fakeNode('h3'));
    await schedulers.start();
    await env.client.resource('pod').create(pendingPod('wants-ssd', ns, { spec: { nodeSelector: { disk: 'ssd' } } }));
    await expectPendingWith(
      'wants-ssd',
      "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
  });

  it('a mix of reasons, counted per node and sorted as strings', async () => {
    const nodes = env.client.resource('node');
    await nodes.create(fakeNode('small-1', { cpu: '1', labels: { disk: 'ssd' } }));
    await nodes.create(fakeNode('small-2', { cpu: '1', labels: { disk: 'ssd' } }));
    await nodes.create(fakeNode('gpu', { labels: { disk: 'ssd' }, taints: [gpuTaint] }));
    await nodes.create(fakeNode('hdd', { labels: { disk: 'hdd' } }));
    await schedulers.start();
    await env.client.resource('pod').create(pendingPod('picky', ns, { cpu: '2', spec: { nodeSelector: { disk: 'ssd' } } }));
    await expectPendingWith(
      'picky',
      "0/4 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu. " +
        'preemption: 0/4 nodes are available: 2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    );
  });
});

describe('scheduling goes on around failures', () => {
  it('a pod that fits nowhere does not hold up the others', async () => {
    await env.client.resource('node').create(fakeNode('n1', { cpu: '2' }));
    await schedulers.start();
    const pods = env.client.resource('pod');
    await pods.create(pendingPod('too-big', ns, { cpu: '3' }));
    for (let i = 0; i < 5; i++) await pods.create(pendingPod(`fits-${i}`, ns, { cpu: '100m' }));
    for (let i = 0; i < 5; i++) expect(await boundNode(env.client, ns, `fits-${i}`)).toBe('n1');
    expect(await eventMessage(env.client, ns, 'too-big', 'FailedScheduling')).toMatch(/^0\/1 nodes are available: 1 Insufficient cpu\./);
    expect((await pods.get(ns, 'too-big')).spec?.nodeName ?? '').toBe('');
  });

  it('retries a pod whose node was deleted between filter and bind', async () => {
    const nodes = env.client.resource('node');
    await nodes.create(fakeNode('doomed', { cpu: '8' }));
    let server: Awaited<ReturnType<typeof schedulers.start>> | undefined;
    let deletedOnce = false;
    // The first binding goes to the only node there is; delete it just before the Binding is sent
    // (once the scheduler's node informer has seen it gone), and add another node.
    const interleave = (callbacks: SchedulerCallbacks): SchedulerCallbacks => ({
      ...callbacks,
      async bind(pod: Pod, nodeName: string): Promise<void> {
        if (!deletedOnce) {
          deletedOnce = true;
          await nodes.delete('', nodeName);
          await eventually(async () => server!.scheduler.cache.nodeCount === 0 || undefined, 30_000, 'node deletion seen');
          await nodes.create(fakeNode('survivor', { cpu: '8' }));
        }
        return callbacks.bind(pod, nodeName);
      },
    });
    server = await schedulers.start({ wrapCallbacks: interleave });
    await env.client.resource('pod').create(pendingPod('orphan-to-be', ns, { cpu: '1' }));
    expect(await boundNode(env.client, ns, 'orphan-to-be', 30_000)).toBe('survivor');
    expect(await eventMessage(env.client, ns, 'orphan-to-be', 'FailedScheduling')).toBe('node "doomed" not found');
  });
});
