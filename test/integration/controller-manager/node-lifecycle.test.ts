import { describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { formatMicroTime, formatTime } from '../../../lib/client/api-time.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { createNamespace, eventually, useManagers } from './helpers.js';

// Node lifecycle against a real apiserver: Node objects and their kube-node-lease Leases as a
// kubelet would keep them, with a short --node-monitor-grace-period.

const cluster = useControlPlane();
const managers = useManagers(() => cluster.client);

function node(name: string): t.Node {
  const now = formatTime();
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    status: {
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }],
    },
  };
}

async function register(name: string): Promise<void> {
  const created = await cluster.client.resource('node').create(node(name));
  await cluster.client.resource('lease').create({
    metadata: { name, namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: created.metadata?.uid ?? '' }] },
    spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: formatMicroTime() },
  });
}

async function renew(name: string): Promise<void> {
  const lease = await cluster.client.resource('lease').get('kube-node-lease', name);
  await cluster.client.resource('lease').update({ ...lease, spec: { ...lease.spec, renewTime: formatMicroTime() } });
}

describe('node lifecycle', () => {
  it('a node whose lease stops renewing gets Ready=Unknown and the unreachable taints; pods go after their tolerationSeconds', async () => {
    await register('alive');
    await register('silent');
    const ns = await createNamespace(cluster.client, 'node-eviction');
    const pod = (name: string, tolerationSeconds?: number): t.Pod => ({
      metadata: { name, namespace: ns },
      spec: {
        nodeName: 'silent',
        containers: [{ name: 'c', image: 'kubets/busybox:1.36' }],
        ...(tolerationSeconds !== undefined ? { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds }] } : {}),
      },
    });
    await cluster.client.resource('pod').create(pod('short', 1));
    // No toleration given: the apiserver adds the default 300 s ones.
    const defaulted = await cluster.client.resource('pod').create(pod('default'));
    expect(defaulted.spec?.tolerations?.find((tol) => tol.key === 'node.kubernetes.io/unreachable')?.tolerationSeconds).toBe(300);

    await managers.start({ settings: { nodeMonitorGracePeriodMs: 1_500, nodeMonitorPeriodMs: 200 } });
    const renewing = setInterval(() => void renew('alive').catch(() => undefined), 300);
    try {
      const silent = await eventually(async () => {
        const n = await cluster.client.resource('node').get('', 'silent');
        return n.spec?.taints?.some((tt) => tt.key === 'node.kubernetes.io/unreachable' && tt.effect === 'NoExecute') ? n : undefined;
      }, 15_000, 'unreachable taint');
      expect(silent.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
      expect(silent.spec?.taints?.map((tt) => `${tt.key}:${tt.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
      const alive = await cluster.client.resource('node').get('', 'alive');
      expect(alive.spec?.taints ?? []).toEqual([]);
      expect(alive.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');

      // Evicted: marked for deletion (its kubelet would finish it).
      await eventually(async () => (await cluster.client.resource('pod').get(ns, 'short')).metadata?.deletionTimestamp, 30_000, 'short-toleration pod evicted');
      const kept = await cluster.client.resource('pod').get(ns, 'default');
      expect(kept.metadata?.deletionTimestamp).toBeUndefined();
      const events = (await cluster.client.resource('event').list('')).items.map((e) => `${e.reason}: ${e.message}`);
      expect(events).toContain('NodeNotReady: Node silent status is now: NodeNotReady');
      expect(events).toContain(`TaintManagerEviction: Marking for deletion Pod ${ns}/short`);

      // The kubelet comes back.
      await renew('silent');
      const current = await cluster.client.resource('node').get('', 'silent');
      const now = formatTime();
      await cluster.client.resource('node').updateStatus({
        ...current,
        status: { ...current.status, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }] },
      });
      await eventually(async () => ((await cluster.client.resource('node').get('', 'silent')).spec?.taints ?? []).length === 0, 30_000, 'taints removed');
    } finally {
      clearInterval(renewing);
    }
  });
});
