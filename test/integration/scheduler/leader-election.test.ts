import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import type { SchedulerServer } from '../../../services/scheduler/process/scheduler-server.js';
import type { SchedulerCallbacks } from '../../../services/scheduler/scheduler.js';
import { useSchedulerCluster, boundNode, eventually, fakeNode, pendingPod } from './helpers.js';

// Issue 6: several schedulers for HA. Both replicas watch (a warm standby); only the holder of
// the Lease kube-system/kube-scheduler binds, and the standby takes over when the leader stops.

const env = useSchedulerCluster();
const { schedulers } = env;

const ns = 'default';
const fastLease = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };

/** Starts a replica that counts the bindings it makes. */
async function replica(name: string, bindings: Map<string, string[]>): Promise<SchedulerServer> {
  bindings.set(name, []);
  const counting = (callbacks: SchedulerCallbacks): SchedulerCallbacks => ({
    ...callbacks,
    async bind(pod: Pod, nodeName: string): Promise<void> {
      bindings.get(name)!.push(pod.metadata?.name ?? '');
      return callbacks.bind(pod, nodeName);
    },
  });
  return schedulers.start({ leaderElection: { ...fastLease, identity: `${name}_test` }, wrapCallbacks: counting });
}

describe('scheduler leader election', () => {
  it('only the leader schedules; the standby takes over when it stops', async () => {
    await env.client.resource('node').create(fakeNode('n1'));
    const bindings = new Map<string, string[]>();
    const a = await replica('a', bindings);
    const b = await replica('b', bindings);
    const leader = await eventually(async () => (a.leading ? a : b.leading ? b : undefined), 30_000, 'a leader');
    const standby = leader === a ? b : a;
    const [leaderName, standbyName] = leader === a ? ['a', 'b'] : ['b', 'a'];
    expect(standby.leading).toBe(false);
    const lease = await env.client.resource('lease').get('kube-system', 'kube-scheduler');
    expect(lease.spec?.holderIdentity).toBe(leader.identity);

    const pods = env.client.resource('pod');
    for (let i = 0; i < 5; i++) await pods.create(pendingPod(`before-${i}`, ns));
    for (let i = 0; i < 5; i++) await boundNode(env.client, ns, `before-${i}`);
    expect(bindings.get(leaderName)!.sort()).toEqual(['before-0', 'before-1', 'before-2', 'before-3', 'before-4']);
    expect(bindings.get(standbyName)).toEqual([]);
    // The standby's cache follows the cluster all along.
    await eventually(async () => standby.scheduler.cache.podCount === 5 || undefined, 30_000, 'standby cache warm');

    await leader.stop();
    await eventually(async () => standby.leading || undefined, 30_000, 'standby takes over');
    expect((await env.client.resource('lease').get('kube-system', 'kube-scheduler')).spec?.holderIdentity).toBe(standby.identity);
    for (let i = 0; i < 5; i++) await pods.create(pendingPod(`after-${i}`, ns));
    for (let i = 0; i < 5; i++) await boundNode(env.client, ns, `after-${i}`);
    expect(bindings.get(standbyName)!.sort()).toEqual(['after-0', 'after-1', 'after-2', 'after-3', 'after-4']);
    expect(bindings.get(leaderName)).toHaveLength(5);
  });
});
