import { describe, expect, it } from 'vitest';
import type { DaemonSet, Node, Pod, Taint } from '../../../lib/api/generated/index.js';
import { FakeKubelet } from '../testing/fake-kubelet.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { targetNodeName } from './daemon-pod-spec.js';
import { DaemonSetController } from './daemon-set-controller.js';

const ns = 'default';

function node(name: string, labels: Record<string, string> = {}, taints: Taint[] = []): Node {
  return { metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: { taints } };
}

function agent(image = 'agent:v1', extra: Partial<NonNullable<DaemonSet['spec']>> = {}): DaemonSet {
  return {
    metadata: { name: 'agent', namespace: ns },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image }] } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: { intVal: 1 }, maxSurge: { intVal: 0 } } },
      revisionHistoryLimit: 10,
      ...extra,
    },
  };
}

describe('DaemonSetController', () => {
  const env = useControllerTestEnv();
  const start = () => env.ctx.start(new DaemonSetController(env.ctx));
  const pods = async (): Promise<Pod[]> => (await env.client.resource('pod').list(ns)).items.filter((p) => !p.metadata?.deletionTimestamp);
  const nodesOfPods = async (): Promise<string[]> => (await pods()).map((p) => targetNodeName(p) ?? '?').sort();
  /** A template change as `kubectl set image` makes it (an update, which counts a new generation). */
  const setImage = async (image: string): Promise<void> => {
    const ds = await env.client.resource('daemonSet').get(ns, 'agent');
    ds.spec!.template!.spec!.containers![0]!.image = image;
    await env.client.resource('daemonSet').update(ds);
  };
  const podsOn = (want: string[]) =>
    eventually(async () => {
      const got = await nodesOfPods();
      return JSON.stringify(got) === JSON.stringify([...want].sort()) ? pods() : undefined;
    }, 20_000, `daemon pods on ${want.join(', ')}`);

  it('puts one pod on every node it fits, pinned by node affinity and tolerating the daemon taints', async () => {
    for (const n of [node('n1'), node('n2'), node('tainted', {}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]), node('cordoned', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }])]) {
      await env.client.resource('node').create(n);
    }
    await env.client.resource('daemonSet').create(agent());
    await start();
    const created = await podsOn(['cordoned', 'n1', 'n2']);
    const ds = await env.client.resource('daemonSet').get(ns, 'agent');
    const [revision] = (await env.client.resource('controllerRevision').list(ns)).items;
    expect(revision).toMatchObject({ revision: 1, metadata: { name: `agent-${revision?.metadata?.labels?.['controller-revision-hash']}` } });
    expect(revision?.data?.spec?.template).toEqual(ds.spec?.template);
    const pod = created.find((p) => targetNodeName(p) === 'n1')!;
    expect(pod.metadata?.name).toMatch(/^agent-/);
    expect(pod.metadata?.labels).toEqual({ app: 'agent', 'controller-revision-hash': revision?.metadata?.labels?.['controller-revision-hash'] });
    expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'DaemonSet', name: 'agent', uid: ds.metadata?.uid, controller: true });
    expect(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
      nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }],
    });
    expect(pod.spec?.tolerations?.map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/not-ready:NoExecute',
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule',
      'node.kubernetes.io/pid-pressure:NoSchedule',
      'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
    const status = await eventually(async () => {
      const s = (await env.client.resource('daemonSet').get(ns, 'agent')).status;
      return s?.currentNumberScheduled === 3 ? s : undefined;
    });
    expect(status).toMatchObject({ desiredNumberScheduled: 3, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 3, numberUnavailable: 3, observedGeneration: 1 });
  });

  it('follows nodes: added, relabelled out of the node selector, tainted NoExecute or NoSchedule', async () => {
    await env.client.resource('node').create(node('n1', { disk: 'ssd' }));
    await env.client.resource('daemonSet').create(agent('agent:v1', {
      template: { metadata: { labels: { app: 'agent' } }, spec: { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'agent', image: 'agent:v1' }] } },
    }));
    await start();
    await podsOn(['n1']);
    await env.client.resource('node').create(node('n2', { disk: 'ssd' }));
    await env.client.resource('node').create(node('n3', { disk: 'ssd' }));
    await env.client.resource('node').create(node('hdd', { disk: 'hdd' }));
    await podsOn(['n1', 'n2', 'n3']);

    await env.client.resource('node').patch('', 'n2', { metadata: { labels: { disk: 'hdd' } } }, { type: 'strategic' });
    await podsOn(['n1', 'n3']);
    // A NoSchedule taint keeps new pods away but leaves a running one; NoExecute evicts it.
    await env.client.resource('node').patch('', 'n1', { spec: { taints: [{ key: 'maintenance', effect: 'NoSchedule' }] } }, { type: 'merge' });
    await env.client.resource('node').patch('', 'n3', { spec: { taints: [{ key: 'maintenance', effect: 'NoExecute' }] } }, { type: 'merge' });
    await podsOn(['n1']);
    const status = await eventually(async () => {
      const s = (await env.client.resource('daemonSet').get(ns, 'agent')).status;
      return s?.desiredNumberScheduled === 0 && s.numberMisscheduled === 1 ? s : undefined;
    });
    expect(status.currentNumberScheduled).toBe(0);
    await env.client.resource('node').delete('', 'n1');
    await podsOn([]);
  });

  it('rolls a new template out one unavailable node at a time and keeps the history', async () => {
    const kubelet = new FakeKubelet(env.client, { readyDelayMs: 30 });
    await kubelet.start();
    try {
      for (const name of ['n1', 'n2', 'n3', 'n4']) await env.client.resource('node').create(node(name));
      await env.client.resource('daemonSet').create(agent('agent:v1'));
      await start();
      await eventually(async () => (await env.client.resource('daemonSet').get(ns, 'agent')).status?.numberAvailable === 4);

      let maxUnavailable = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const all = await pods();
          const ready = all.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
          maxUnavailable = Math.max(maxUnavailable, 4 - ready.length);
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      await setImage('agent:v2');
      const done = await eventually(async () => {
        const ds = await env.client.resource('daemonSet').get(ns, 'agent');
        const s = ds.status ?? {};
        return s.observedGeneration === 2 && s.updatedNumberScheduled === 4 && s.numberAvailable === 4 ? ds : undefined;
      }, 30_000, 'rolled out');
      sampling = false;
      await sampler;
      expect(maxUnavailable).toBeLessThanOrEqual(1);
      expect((await pods()).map((p) => p.spec?.containers?.[0]?.image)).toEqual(Array(4).fill('agent:v2'));
      expect(done.status?.numberMisscheduled).toBe(0);

      // Back to v1: its revision is renumbered as the newest rather than copied.
      await setImage('agent:v1');
      const revisions = await eventually(async () => {
        const items = (await env.client.resource('controllerRevision').list(ns)).items;
        return items.some((r) => r.revision === 3) ? items : undefined;
      });
      expect(revisions.map((r) => [r.revision, r.data?.spec?.template?.spec?.containers?.[0]?.image]).sort()).toEqual([
        [2, 'agent:v2'],
        [3, 'agent:v1'],
      ]);
    } finally {
      await kubelet.stop();
    }
  });

  it('with OnDelete, replaces a pod only once it is deleted', async () => {
    for (const name of ['n1', 'n2']) await env.client.resource('node').create(node(name));
    await env.client.resource('daemonSet').create(agent('agent:v1', { updateStrategy: { type: 'OnDelete' } }));
    await start();
    await podsOn(['n1', 'n2']);
    await setImage('agent:v2');
    await eventually(async () => (await env.client.resource('daemonSet').get(ns, 'agent')).status?.observedGeneration === 2);
    expect((await pods()).map((p) => p.spec?.containers?.[0]?.image)).toEqual(['agent:v1', 'agent:v1']);
    const onN1 = (await pods()).find((p) => targetNodeName(p) === 'n1')!;
    await env.client.resource('pod').delete(ns, onN1.metadata?.name ?? '');
    const replaced = await eventually(async () => {
      const next = (await pods()).find((p) => targetNodeName(p) === 'n1');
      return next && next.metadata?.uid !== onN1.metadata?.uid ? next : undefined;
    });
    expect(replaced.spec?.containers?.[0]?.image).toBe('agent:v2');
    expect((await pods()).find((p) => targetNodeName(p) === 'n2')?.spec?.containers?.[0]?.image).toBe('agent:v1');
  });
});
