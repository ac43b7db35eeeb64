import { describe, expect, it } from 'vitest';
import type { Lease, Node, Pod } from '../../../lib/api/generated/index.js';
import { formatMicroTime, formatTime } from '../../../lib/client/api-time.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { NodeLifecycleController } from './node-lifecycle-controller.js';
import { lifecycleTaints, reconcileTaints, unknownConditions } from './node-taints.js';
import { evictionDecision, TaintEvictionController } from './taint-eviction-controller.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');

function readyNode(name: string, ready = 'True'): Node {
  return {
    metadata: { name, creationTimestamp: '2024-05-01T09:00:00Z' },
    spec: {},
    status: { conditions: [{ type: 'Ready', status: ready, reason: 'KubeletReady', lastHeartbeatTime: '2024-05-01T09:59:00Z', lastTransitionTime: '2024-05-01T09:00:00Z' }] },
  };
}

describe('node conditions and taints', () => {
  it('turns every monitored condition Unknown, adding those never posted', () => {
    const conditions = unknownConditions(readyNode('n1'), T0)!;
    expect(conditions.find((c) => c.type === 'Ready')).toEqual({
      type: 'Ready',
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
      lastHeartbeatTime: '2024-05-01T09:59:00Z',
      lastTransitionTime: '2024-05-01T10:00:00Z',
    });
    expect(conditions.find((c) => c.type === 'MemoryPressure')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
    expect(unknownConditions({ ...readyNode('n1'), status: { conditions } }, T0)).toBeUndefined();
  });

  it.each([
    ['True', []],
    ['False', ['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']],
    ['Unknown', ['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']],
  ])('Ready=%s wants %j', (ready, want) => {
    expect(lifecycleTaints(readyNode('n1', ready)).map((t) => `${t.key}:${t.effect}`)).toEqual(want);
  });

  it('keeps foreign taints and timeAdded, stamps new NoExecute taints, and removes recovered ones', () => {
    const node = readyNode('n1', 'Unknown');
    node.spec = { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] };
    const tainted = reconcileTaints(node, lifecycleTaints(node), T0)!;
    expect(tainted).toEqual([
      { key: 'dedicated', value: 'db', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2024-05-01T10:00:00Z' },
    ]);
    const again = { ...node, spec: { taints: tainted } };
    expect(reconcileTaints(again, lifecycleTaints(again), T0 + 60_000)).toBeUndefined();
    const recovered = { ...readyNode('n1'), spec: { taints: tainted } };
    expect(reconcileTaints(recovered, lifecycleTaints(recovered), T0)).toEqual([{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
  });
});

describe('evictionDecision', () => {
  const unreachable = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2024-05-01T10:00:00Z' };
  it.each([
    ['no NoExecute taints', [{ key: 'a', effect: 'NoSchedule' }], [], { kind: 'never' }],
    ['an untolerated taint', [unreachable], [], { kind: 'at', time: T0 + 5 }],
    ['the default 300 s toleration', [unreachable], [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }], { kind: 'at', time: T0 + 300_000 }],
    ['the shortest of the tolerations used', [unreachable], [{ operator: 'Exists', tolerationSeconds: 600 }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 30 }], { kind: 'at', time: T0 + 30_000 }],
    ['a toleration without seconds', [unreachable], [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }], { kind: 'never' }],
  ])('%s', (_title, taints, tolerations, want) => {
    expect(evictionDecision(taints, tolerations, T0 + 5)).toEqual(want);
  });
});

describe('NodeLifecycleController and TaintEvictionController', () => {
  const env = useControllerTestEnv();

  const lease = (name: string): Lease => ({ metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: formatMicroTime() } });
  const renew = async (name: string) => {
    const l = await env.client.resource('lease').get('kube-node-lease', name);
    await env.client.resource('lease').update({ ...l, spec: { ...l.spec, renewTime: formatMicroTime() } });
  };

  it('marks a node whose lease stops renewing unreachable, evicts pods past their toleration, and untaints it when it recovers', async () => {
    await env.client.resource('node').create(readyNode('n1'));
    await env.client.resource('node').create(readyNode('n2'));
    await env.client.resource('lease').create(lease('n1'));
    await env.client.resource('lease').create(lease('n2'));
    const pod = (name: string, tolerationSeconds?: number): Pod => ({
      metadata: { name, namespace: 'default' },
      spec: {
        nodeName: 'n1',
        containers: [{ name: 'c', image: 'x:1' }],
        tolerations: tolerationSeconds === undefined ? [] : [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds }],
      },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: formatTime() }] },
    });
    await env.client.resource('pod').create(pod('intolerant'));
    await env.client.resource('pod').create(pod('patient', 3600));
    await env.ctx.start(new NodeLifecycleController(env.ctx, { gracePeriodMs: 1_500, monitorPeriodMs: 50 }), new TaintEvictionController(env.ctx));
    // n2 keeps renewing (well within the grace period, even on a loaded machine); n1 has stopped.
    const renewing = setInterval(() => void renew('n2').catch(() => undefined), 100);
    try {
      const n1 = await eventually(async () => {
        const n = await env.client.resource('node').get('', 'n1');
        return n.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') ? n : undefined;
      });
      expect(n1.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
      expect(n1.spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
      await eventually(() => env.fake.stored('pod', 'default', 'intolerant') === undefined, 20_000, 'intolerant pod evicted');
      const patient = env.fake.stored('pod', 'default', 'patient');
      expect(patient?.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
      const n2 = await env.client.resource('node').get('', 'n2');
      expect(n2.spec?.taints ?? []).toEqual([]);
      expect(n2.status?.conditions?.[0]?.status).toBe('True');

      // The kubelet comes back: renews its lease and reports Ready.
      await renew('n1');
      const back = await env.client.resource('node').get('', 'n1');
      await env.client.resource('node').updateStatus({ ...back, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: formatTime(), lastTransitionTime: formatTime() }] } });
      await eventually(async () => ((await env.client.resource('node').get('', 'n1')).spec?.taints ?? []).length === 0, 20_000, 'taints removed');
      expect(env.fake.stored('pod', 'default', 'patient')).toBeDefined();
      const events = (await env.client.resource('event').list('')).items.map((e) => `${e.reason}: ${e.message}`);
      expect(events).toContain('NodeNotReady: Node n1 status is now: NodeNotReady');
      expect(events).toContain('TaintManagerEviction: Marking for deletion Pod default/intolerant');
    } finally {
      clearInterval(renewing);
    }
  });

  it('taints a node that reports Ready=False as not-ready', async () => {
    await env.client.resource('node').create(readyNode('sick', 'False'));
    await env.client.resource('lease').create(lease('sick'));
    await env.ctx.start(new NodeLifecycleController(env.ctx, { gracePeriodMs: 60_000, monitorPeriodMs: 50 }));
    const taints = await eventually(async () => (await env.client.resource('node').get('', 'sick')).spec?.taints);
    expect(taints.map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']);
  });
});
